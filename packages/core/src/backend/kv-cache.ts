/**
 * How rejected drafts leave the model's key/value cache.
 * - `trim`: cut every layer's keys and values back to the committed length (a copy).
 * - `mask`: keep them, mark their slots 0 in the attention mask (position ids stay
 *   consistent), and compact once dead slots pile up.
 * docs/kv-cache.md has the measurements behind the default. Shared by the onnxruntime
 * backends (`@sjd/backend-node`, `@sjd/backend-web`): it is plain typed-array bookkeeping
 * for decoders in the Optimum interface, no runtime.
 */
export type CacheStrategy = 'trim' | 'mask';

/**
 * The output of a merged forward pass over several caches' rows (`[rows, heads, slots,
 * headDim]` per layer tensor), which those caches hold views into.
 */
export interface SharedBatch {
  readonly tensors: readonly Float32Array[];
  readonly rows: number;
}

/**
 * Keys and values of every layer, `[rows, heads, slots, headDim]` each, plus per-slot
 * bookkeeping: which slots belong to the committed sequence (`live`), and which each row
 * attends to (padding and rejected slots do not).
 */
export class KvCache {
  /** Layer tensors, keys and values alternating: [l0.key, l0.value, l1.key, …]. */
  tensors: Float32Array[];
  /** Physical slots in the tensors. */
  slots = 0;
  /** Per slot: 1 when it belongs to the committed sequence. */
  live: number[] = [];
  /** Per row, per slot: 1 when the row attends to it. */
  readonly attend: number[][];
  /**
   * Set while the tensors are views into a merged batch's output, from row `firstRow` on
   * (a batching backend's layout): truncation then only masks, so the next merged pass can
   * feed that output back whole, without a copy.
   */
  shared: { readonly batch: SharedBatch; readonly firstRow: number } | null = null;

  constructor(
    readonly rows: number,
    readonly layers: number,
    readonly heads: number,
    readonly headDim: number,
  ) {
    this.tensors = Array.from({ length: layers * 2 }, () => new Float32Array(0));
    this.attend = Array.from({ length: rows }, () => []);
  }

  /** Slots of the committed sequence (padding included). */
  get length(): number {
    let n = 0;
    for (const l of this.live) n += l;
    return n;
  }

  /** Position id of the next token in row `r`: the real tokens it attends to so far. */
  nextPosition(r: number): number {
    let n = 0;
    for (const a of this.attend[r]!) n += a;
    return n;
  }

  /** Replaces the tensors by the graph's `present` outputs after appending `added` slots. */
  append(present: Float32Array[], added: number, attend: readonly number[][]): void {
    this.tensors = present;
    this.shared = null;
    this.slots += added;
    for (let i = 0; i < added; i++) this.live.push(1);
    for (let r = 0; r < this.rows; r++) this.attend[r]!.push(...attend[r]!);
  }

  /** Drops every slot after the first `length` live ones, by the chosen strategy. */
  truncate(length: number, strategy: CacheStrategy): void {
    let seen = 0;
    let cut = 0;
    while (cut < this.slots && seen < length) seen += this.live[cut++]!;
    if (seen < length)
      throw new RangeError(`truncate(${length}): the cache holds only ${seen} slots`);
    if (strategy === 'trim' && !this.shared) {
      this.keepSlots(cut);
      return;
    }
    for (let s = cut; s < this.slots; s++) {
      this.live[s] = 0;
      for (const row of this.attend) row[s] = 0;
    }
    if (this.shared) return; // the batching backend compacts when it copies
    const dead = this.slots - this.length;
    if (dead > 64 && dead > this.slots / 4) this.compact();
  }

  /**
   * Replaces the whole state by rows `firstRow …` of a merged pass's output (`slots` wide),
   * with the given slot bookkeeping. For batching backends.
   */
  adopt(
    batch: SharedBatch,
    firstRow: number,
    slots: number,
    live: number[],
    attend: readonly number[][],
  ): void {
    const { rows, heads, headDim } = this;
    const size = rows * heads * slots * headDim;
    const from = firstRow * heads * slots * headDim;
    this.tensors = batch.tensors.map((t) => t.subarray(from, from + size));
    this.slots = slots;
    this.live = live;
    for (let r = 0; r < rows; r++) this.attend[r] = [...attend[r]!];
    this.shared = { batch, firstRow };
  }

  /**
   * Row r's last `count` live slots become a copy of row `source[r]`'s (keys, values and
   * attention bookkeeping), all reads before any write. Only those slots are copied, per
   * layer, head and row. Written in place, also when the tensors are views of a merged
   * batch's output (`shared`): each cache writes only its own rows of it, so the next merged
   * pass can still feed that output back whole. SJD's proactive branches use it to make every
   * row hold the branch that was kept (`LogitsSession.adoptRows`).
   */
  adoptRows(source: readonly number[], count: number): void {
    const { rows, heads, headDim } = this;
    if (source.length !== rows || source.some((s) => !Number.isInteger(s) || s < 0 || s >= rows))
      throw new RangeError(`adoptRows: expected ${rows} source rows in [0, ${rows})`);
    const slots: number[] = [];
    for (let s = this.slots - 1; s >= 0 && slots.length < count; s--)
      if (this.live[s]) slots.unshift(s);
    if (slots.length < count)
      throw new RangeError(`adoptRows(${count}): the cache holds only ${slots.length} slots`);
    const moves = source.map((from, to) => [from, to] as const).filter(([f, t]) => f !== t);
    if (moves.length === 0 || count === 0) return;
    const width = this.slots * headDim;
    for (const tensor of this.tensors) {
      const copies = moves.map(([from]) => {
        const copy = new Float32Array(heads * count * headDim);
        for (let h = 0; h < heads; h++) {
          const base = (from * heads + h) * width;
          slots.forEach((s, k) => {
            const at = base + s * headDim;
            copy.set(tensor.subarray(at, at + headDim), (h * count + k) * headDim);
          });
        }
        return copy;
      });
      moves.forEach(([, to], m) => {
        const copy = copies[m]!;
        for (let h = 0; h < heads; h++) {
          const base = (to * heads + h) * width;
          slots.forEach((s, k) => {
            const at = (h * count + k) * headDim;
            tensor.set(copy.subarray(at, at + headDim), base + s * headDim);
          });
        }
      });
    }
    const attend = moves.map(([from]) => slots.map((s) => this.attend[from]![s]!));
    moves.forEach(([, to], m) => {
      slots.forEach((s, k) => {
        this.attend[to]![s] = attend[m]![k]!;
      });
    });
  }

  /** Keeps the first `count` slots (a contiguous copy per row and head). */
  private keepSlots(count: number): void {
    if (count === this.slots) return;
    const { rows, heads, headDim } = this;
    this.tensors = this.tensors.map((src) => {
      const dst = new Float32Array(rows * heads * count * headDim);
      for (let bh = 0; bh < rows * heads; bh++) {
        const from = bh * this.slots * headDim;
        dst.set(src.subarray(from, from + count * headDim), bh * count * headDim);
      }
      return dst;
    });
    this.slots = count;
    this.shared = null;
    this.live.length = count;
    for (const row of this.attend) row.length = count;
  }

  /** Copies live slots only, dropping the masked-out rejected ones. */
  compact(): void {
    const keep: number[] = [];
    for (let s = 0; s < this.slots; s++) if (this.live[s]) keep.push(s);
    const { rows, heads, headDim } = this;
    this.tensors = this.tensors.map((src) => {
      const dst = new Float32Array(rows * heads * keep.length * headDim);
      for (let bh = 0; bh < rows * heads; bh++) {
        const from = bh * this.slots * headDim;
        const to = bh * keep.length * headDim;
        for (let k = 0; k < keep.length; k++) {
          const s = from + keep[k]! * headDim;
          dst.set(src.subarray(s, s + headDim), to + k * headDim);
        }
      }
      return dst;
    });
    for (let r = 0; r < rows; r++) this.attend[r] = keep.map((s) => this.attend[r]![s]!);
    this.live = keep.map(() => 1);
    this.slots = keep.length;
    this.shared = null;
  }
}
