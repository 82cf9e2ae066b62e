import type { ForwardRequest } from './batched-forward.js';

interface Pending {
  readonly request: ForwardRequest;
  readonly resolve: (logits: Float32Array[]) => void;
  readonly reject: (error: unknown) => void;
  readonly release: () => void;
}

/** Runs a merged batch: one decoder call for all the requests (see `runForward`). */
export type RunBatch = (requests: readonly ForwardRequest[]) => Promise<Float32Array[][]>;

// The next turn of the event loop, after every pending microtask: `setImmediate` in Node,
// a zero timeout where there is none (browsers).
const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
const nextTurn: (callback: () => void) => void = immediate
  ? (callback) => {
      immediate(callback);
    }
  : (callback) => {
      setTimeout(callback, 0);
    };

/**
 * Whether two caches are close enough in width (slots) to share a call: a merged past is as
 * wide as its widest cache, so every narrower row pays for padding in the attention and in
 * the `present` copy. Measured: merging rows of any width made a merged pass cost about 2×
 * its rows' separate passes (docs/architecture.md).
 */
function similarWidth(a: number, b: number): boolean {
  return Math.abs(a - b) <= 16 + 0.25 * Math.max(a, b);
}

/** Default of {@link ForwardBatcher}'s `maxCalls`. */
export const DEFAULT_MAX_CALLS = 2;

/**
 * Continuous batching of forward passes. Every open session of a model submits its passes
 * here; the batcher runs at most `maxCalls` decoder calls at a time, and each call takes
 * the oldest pass submitted by then and every other whose cache is about as wide (at most
 * `maxRows` rows; the others wait for the next call, oldest first), so the sessions that
 * wait on one call are merged into the next. A session that finishes
 * simply stops submitting; one that opens joins at the next call. The decoders see none of
 * it: each awaits its own `evaluate` as before.
 *
 * Why it merges: when a call returns, every session it served continues in microtasks
 * (sampling, acceptance, the next `evaluate`) before the batcher's next turn of the event
 * loop, so their next passes are all queued when it looks.
 *
 * Why two calls at a time (default): with one, the model idles while the sessions of the
 * last call sample on the JavaScript thread, and the JavaScript thread idles while the model
 * runs; with two, the sessions settle into two groups whose calls alternate, one group
 * sampling while the other's call runs (and onnxruntime runs the two calls on two threads).
 */
export class ForwardBatcher {
  private readonly queue: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;
  /** Largest number of rows merged so far (for tests and benchmarks). */
  peakRows = 0;
  /** Decoder calls made. */
  calls = 0;
  /** Passes served (a merged call serves several). */
  passes = 0;

  constructor(
    private readonly run: RunBatch,
    /** Most rows in one call; a session with more rows than this runs alone. */
    readonly maxRows: number,
    /** Most decoder calls running at once. */
    readonly maxCalls: number = DEFAULT_MAX_CALLS,
  ) {}

  /** Queues one session's pass; resolves with its rows' logits. */
  submit(request: ForwardRequest, signal?: AbortSignal): Promise<Float32Array[]> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Float32Array[]>((resolve, reject) => {
      const onAbort = () => {
        const index = this.queue.indexOf(pending);
        if (index < 0) return; // already running: it completes, the decoder checks after
        this.queue.splice(index, 1);
        reject(signal!.reason);
      };
      const pending: Pending = {
        request,
        resolve,
        reject,
        release: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(pending);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.inFlight >= this.maxCalls || this.scheduled) return;
    this.scheduled = true;
    nextTurn(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.inFlight < this.maxCalls && this.queue.length > 0) {
      // The oldest pass, and every other that fits beside it without much padding.
      const head = this.queue.shift()!;
      const taken: Pending[] = [head];
      let rows = head.request.blocks.length;
      const width = head.request.cache.slots;
      for (let i = 0; i < this.queue.length && rows < this.maxRows; ) {
        const next = this.queue[i]!;
        const n = next.request.blocks.length;
        if (rows + n <= this.maxRows && similarWidth(next.request.cache.slots, width)) {
          taken.push(...this.queue.splice(i, 1));
          rows += n;
        } else {
          i++;
        }
      }
      for (const p of taken) p.release();
      this.peakRows = Math.max(this.peakRows, rows);
      this.calls++;
      this.passes += taken.length;
      this.inFlight++;
      void this.call(taken);
    }
  }

  private async call(taken: readonly Pending[]): Promise<void> {
    try {
      const results = await this.run(taken.map((p) => p.request));
      taken.forEach((p, i) => {
        p.resolve(results[i]!);
      });
    } catch (error) {
      for (const p of taken) p.reject(error);
    } finally {
      this.inFlight--;
      this.schedule();
    }
  }
}
