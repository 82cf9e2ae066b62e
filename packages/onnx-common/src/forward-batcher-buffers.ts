/** Default of {@link ForwardBuffers}' `maxFreeBytes`: what it keeps for reuse at most. */
export const DEFAULT_MAX_FREE_BYTES = 64 * 1024 * 1024;

/** Capacities grow in steps of 2^(1/4) (at most ~19 % unused), from 4 Ki floats. */
function capacityFor(length: number): number {
  let capacity = 4096;
  while (capacity < length) capacity = Math.ceil(capacity * 1.189207115);
  return capacity;
}

/**
 * Recycles the merged pasts of forward passes: the `Float32Array`s a stacked or compacted
 * pass copies every cache into (megabytes at 8 rows), which live only for that pass.
 * Allocated afresh each time, they are external memory that makes V8 collect garbage
 * every few passes; recycled, a 16-client batched load ran with about 12 % fewer
 * collections (docs/grpc.md, "Where the time goes"). The `present` outputs cannot be
 * recycled: onnxruntime-node returns a fresh buffer for every output, pre-allocated or
 * not. A buffer goes back only when nothing reads it any more (`runForward`, after the
 * pass); one never given back is simply collected. Owned by one model, which keeps at
 * most two calls' merged pasts at their widest (`maxBatchRows` rows × the model's
 * positions): 26 MB for shapes-v2 at 8 rows.
 */
export class ForwardBuffers {
  private readonly free = new Map<number, ArrayBuffer[]>();
  private readonly owned = new WeakSet<ArrayBuffer>();
  private freeBytes = 0;
  /** Buffers handed out that came from the free lists (for tests and benchmarks). */
  reused = 0;
  /** Buffers allocated. */
  allocated = 0;

  constructor(
    /** Bytes kept for reuse at most; buffers given back beyond it are left to the collector. */
    readonly maxFreeBytes: number = DEFAULT_MAX_FREE_BYTES,
  ) {}

  /**
   * `length` floats, from a recycled buffer when one is free (its contents are whatever
   * was there: the caller writes every element it reads, or clears them).
   */
  take(length: number): Float32Array {
    const capacity = capacityFor(length);
    const buffer = this.free.get(capacity)?.pop();
    if (buffer) {
      this.freeBytes -= buffer.byteLength;
      this.reused++;
      return new Float32Array(buffer, 0, length);
    }
    const fresh = new ArrayBuffer(capacity * 4);
    this.owned.add(fresh);
    this.allocated++;
    return new Float32Array(fresh, 0, length);
  }

  /** Whether `view` lies in a buffer `take` handed out. */
  owns(view: Float32Array): boolean {
    return this.owned.has(view.buffer as ArrayBuffer);
  }

  /**
   * Returns the buffer under `view` for reuse: the caller promises nothing reads it any
   * more. Views of other memory are ignored.
   */
  give(view: Float32Array): void {
    const buffer = view.buffer as ArrayBuffer;
    if (!this.owned.has(buffer)) return;
    if (this.freeBytes + buffer.byteLength > this.maxFreeBytes) return;
    const capacity = buffer.byteLength / 4;
    let list = this.free.get(capacity);
    if (!list) this.free.set(capacity, (list = []));
    if (list.includes(buffer)) return; // given twice: keep one entry
    list.push(buffer);
    this.freeBytes += buffer.byteLength;
  }
}
