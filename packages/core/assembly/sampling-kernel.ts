// The sampling chain's hot loops in WebAssembly SIMD (AssemblyScript source). Built by
// `pnpm --filter @sjd/core build:wasm` into src/processing/kernel/sampling-kernel-wasm.ts;
// the JavaScript side is src/processing/kernel/wasm-sampling-kernel.ts, and
// src/processing/kernel/js-sampling-kernel.ts computes exactly the same numbers in plain
// JavaScript (the tests hold the two bit for bit against each other).
//
// One instance serves one chain: its memory holds the two logits rows of one position
// (`cond`, `uncond`), the kept candidates (`kept` values and their token `ids`), and scratch.
// Arithmetic mirrors the JavaScript exactly: the CFG mix is computed in f64 from the f32
// logits, compared in f64, and rounded to f32 when stored.

const BINS: i32 = 2048;

let condPtr: usize = 0;
let uncondPtr: usize = 0;
let keptPtr: usize = 0;
let idsPtr: usize = 0;
let scratchPtr: usize = 0;
let binsPtr: usize = 0;
let expsPtr: usize = 0;
let binOfPtr: usize = 0;
let massPtr: usize = 0;

/** Largest kept value of the last gather (meaningful when it kept any). */
let maxKept: f32 = -Infinity;
/** Whether the last gather saw a NaN or +Infinity mix. */
let invalid: bool = false;

/** For each 4-lane mask, the byte shuffle that packs the selected lanes to the front. */
const PACK: usize = memory.data<u8>([
  0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
  0, 1, 2, 3, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
  4, 5, 6, 7, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
  0, 1, 2, 3, 4, 5, 6, 7, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
  8, 9, 10, 11, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
  0, 1, 2, 3, 8, 9, 10, 11, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
  4, 5, 6, 7, 8, 9, 10, 11, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x80, 0x80, 0x80, 0x80,
  12, 13, 14, 15, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
  0, 1, 2, 3, 12, 13, 14, 15, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
  4, 5, 6, 7, 12, 13, 14, 15, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
  0, 1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15, 0x80, 0x80, 0x80, 0x80,
  8, 9, 10, 11, 12, 13, 14, 15, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
  0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 0x80, 0x80, 0x80, 0x80,
  4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0x80, 0x80, 0x80, 0x80,
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
], 16);

function align16(n: usize): usize {
  return (n + 15) & ~(<usize>15);
}

/**
 * Lays out the buffers for a vocabulary of `vocab` tokens, growing memory as needed.
 * Returns false when memory cannot grow. Offsets are read back with the getters below.
 */
export function prepare(vocab: i32): bool {
  const row = align16(<usize>(vocab + 4) << 2);
  condPtr = align16(__heap_base);
  uncondPtr = condPtr + row;
  keptPtr = uncondPtr + row;
  idsPtr = keptPtr + row;
  scratchPtr = idsPtr + row;
  binsPtr = scratchPtr + row;
  expsPtr = align16(binsPtr + (<usize>BINS << 2));
  binOfPtr = expsPtr + align16(<usize>(vocab + 4) << 3);
  massPtr = binOfPtr + row;
  const end = massPtr + (<usize>BINS << 3);
  const pages = <i32>((end + 0xffff) >> 16);
  const grow = pages - memory.size();
  if (grow > 0 && memory.grow(grow) < 0) return false;
  return true;
}

export function condOffset(): usize {
  return condPtr;
}
export function uncondOffset(): usize {
  return uncondPtr;
}
export function keptOffset(): usize {
  return keptPtr;
}
export function idsOffset(): usize {
  return idsPtr;
}
export function expsOffset(): usize {
  return expsPtr;
}
export function lastMax(): f32 {
  return maxKept;
}
export function lastInvalid(): bool {
  return invalid;
}

/** Starts a gather over one position: clears the running maximum and the invalid flag. */
export function begin(): void {
  maxKept = -Infinity;
  invalid = false;
}

/**
 * Mixes tokens `start .. start+count` of the position (`v = (u + s (c − u)) · inverse`, or
 * `c · inverse` without `mixed`), appends those with `v ≥ floor` to kept/ids from index `n`,
 * and returns the new count. Updates the running maximum of kept values and the invalid flag.
 */
export function gather(
  start: i32,
  count: i32,
  s: f64,
  inverse: f64,
  floor: f64,
  n: i32,
  mixed: bool,
): i32 {
  const sv = f64x2.splat(s);
  const iv = f64x2.splat(inverse);
  const fv = f64x2.splat(floor);
  const step = i32x4.splat(4);
  let id = i32x4(start, start + 1, start + 2, start + 3);
  let maxv = f32x4.splat(-Infinity);
  let bad = i64x2.splat(0);
  let c = condPtr + (<usize>start << 2);
  let u = uncondPtr + (<usize>start << 2);
  const end = c + (<usize>(count & ~3) << 2);
  let out = keptPtr + (<usize>n << 2);
  let outIds = idsPtr + (<usize>n << 2);
  while (c < end) {
    const c32 = v128.load(c);
    const cLo = f64x2.promote_low_f32x4(c32);
    const cHi = f64x2.promote_low_f32x4(i32x4.shuffle(c32, c32, 2, 3, 0, 1));
    let lo: v128;
    let hi: v128;
    if (mixed) {
      const u32 = v128.load(u);
      const uLo = f64x2.promote_low_f32x4(u32);
      const uHi = f64x2.promote_low_f32x4(i32x4.shuffle(u32, u32, 2, 3, 0, 1));
      lo = f64x2.mul(f64x2.add(uLo, f64x2.mul(sv, f64x2.sub(cLo, uLo))), iv);
      hi = f64x2.mul(f64x2.add(uHi, f64x2.mul(sv, f64x2.sub(cHi, uHi))), iv);
    } else {
      lo = f64x2.mul(cLo, iv);
      hi = f64x2.mul(cHi, iv);
    }
    bad = v128.or(bad, v128.or(f64x2.ne(lo, lo), f64x2.ne(hi, hi)));
    const v32 = i64x2.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 2);
    const mask = i64x2.bitmask(f64x2.ge(lo, fv)) | (i64x2.bitmask(f64x2.ge(hi, fv)) << 2);
    const pack = v128.load(PACK + (<usize>mask << 4));
    v128.store(out, i8x16.swizzle(v32, pack));
    v128.store(outIds, i8x16.swizzle(id, pack));
    // Over every value, not only the kept ones: the same number whenever any is kept.
    maxv = f32x4.max(maxv, v32);
    const kept = popcnt<i32>(mask);
    out += <usize>kept << 2;
    outIds += <usize>kept << 2;
    id = i32x4.add(id, step);
    c += 16;
    u += 16;
  }
  let m = f32x4.max(maxv, i32x4.shuffle(maxv, maxv, 2, 3, 0, 1));
  m = f32x4.max(m, i32x4.shuffle(m, m, 1, 0, 3, 2));
  let max = f32x4.extract_lane(m, 0);
  let nanTail = false;
  let k = (<i32>(out - keptPtr)) >> 2;
  for (let i = count & ~3; i < count; i++) {
    const ci = <f64>load<f32>(condPtr + (<usize>(start + i) << 2));
    let v: f64;
    if (mixed) {
      const ui = <f64>load<f32>(uncondPtr + (<usize>(start + i) << 2));
      v = (ui + s * (ci - ui)) * inverse;
    } else {
      v = ci * inverse;
    }
    nanTail = nanTail || v != v;
    const v32 = <f32>v;
    store<f32>(keptPtr + (<usize>k << 2), v32);
    store<i32>(idsPtr + (<usize>k << 2), start + i);
    max = v32 > max ? v32 : max;
    k += <i32>(v >= floor);
  }
  if (max > maxKept) maxKept = max;
  if (nanTail || v128.any_true(bad) || maxKept == Infinity) invalid = true;
  return k;
}

/**
 * Packs the kept candidates with value ≥ `threshold` to the front (in place, order kept) and
 * returns how many there are.
 */
export function keepAtLeast(count: i32, threshold: f32): i32 {
  const tv = f32x4.splat(threshold);
  let p = keptPtr;
  let q = idsPtr;
  const end = keptPtr + (<usize>(count & ~3) << 2);
  let out = keptPtr;
  let outIds = idsPtr;
  while (p < end) {
    const v = v128.load(p);
    const ids = v128.load(q);
    const mask = i32x4.bitmask(f32x4.ge(v, tv));
    const pack = v128.load(PACK + (<usize>mask << 4));
    v128.store(out, i8x16.swizzle(v, pack));
    v128.store(outIds, i8x16.swizzle(ids, pack));
    const kept = popcnt<i32>(mask);
    out += <usize>kept << 2;
    outIds += <usize>kept << 2;
    p += 16;
    q += 16;
  }
  let k = (<i32>(out - keptPtr)) >> 2;
  for (let i = count & ~3; i < count; i++) {
    const v = load<f32>(keptPtr + (<usize>i << 2));
    const id = load<i32>(idsPtr + (<usize>i << 2));
    store<f32>(keptPtr + (<usize>k << 2), v);
    store<i32>(idsPtr + (<usize>k << 2), id);
    k += <i32>(v >= threshold);
  }
  return k;
}

/**
 * The k-th largest (1-based) of the kept values `0 .. count`, given their maximum: a
 * histogram of the distances below the maximum finds the bin holding it, and a quickselect
 * over that bin's values alone finds it exactly. Leaves kept/ids untouched.
 */
export function kthLargest(count: i32, k: i32, max: f32): f32 {
  // Smallest kept value.
  let mv = f32x4.splat(max);
  const end = keptPtr + (<usize>(count & ~3) << 2);
  for (let p = keptPtr; p < end; p += 16) mv = f32x4.min(mv, v128.load(p));
  let m = f32x4.min(mv, i32x4.shuffle(mv, mv, 2, 3, 0, 1));
  m = f32x4.min(m, i32x4.shuffle(m, m, 1, 0, 3, 2));
  let low = f32x4.extract_lane(m, 0);
  for (let i = count & ~3; i < count; i++) low = min(low, load<f32>(keptPtr + (<usize>i << 2)));
  if (!(max > low)) return max;
  const scale = <f64>(BINS - 1) / (<f64>max - <f64>low);
  memory.fill(binsPtr, 0, <usize>BINS << 2);
  for (let i = 0; i < count; i++) {
    const b = <i32>((<f64>max - <f64>load<f32>(keptPtr + (<usize>i << 2))) * scale);
    const at = binsPtr + (<usize>b << 2);
    store<i32>(at, load<i32>(at) + 1);
  }
  let above = 0;
  let boundary = 0;
  for (; boundary < BINS - 1; boundary++) {
    const inBin = load<i32>(binsPtr + (<usize>boundary << 2));
    if (above + inBin >= k) break;
    above += inBin;
  }
  // The boundary bin's values, packed into scratch.
  let n = 0;
  for (let i = 0; i < count; i++) {
    const v = load<f32>(keptPtr + (<usize>i << 2));
    const b = <i32>((<f64>max - <f64>v) * scale);
    store<f32>(scratchPtr + (<usize>n << 2), v);
    n += <i32>(b == boundary);
  }
  return selectDescending(n, k - above);
}

/** Quickselect: the k-th largest (1-based) of scratch[0 .. n). */
function selectDescending(n: i32, k: i32): f32 {
  let left = 0;
  let right = n - 1;
  const target = k - 1;
  while (right > left) {
    const a = load<f32>(scratchPtr + (<usize>left << 2));
    const b = load<f32>(scratchPtr + (<usize>((left + right) >>> 1) << 2));
    const c = load<f32>(scratchPtr + (<usize>right << 2));
    const pivot = max(min(a, b), min(max(a, b), c));
    let i = left;
    let j = right;
    while (i <= j) {
      while (load<f32>(scratchPtr + (<usize>i << 2)) > pivot) i++;
      while (load<f32>(scratchPtr + (<usize>j << 2)) < pivot) j--;
      if (i <= j) {
        const pi = scratchPtr + (<usize>i << 2);
        const pj = scratchPtr + (<usize>j << 2);
        const t = load<f32>(pi);
        store<f32>(pi, load<f32>(pj));
        store<f32>(pj, t);
        i++;
        j--;
      }
    }
    if (target <= j) right = j;
    else if (target >= i) left = i;
    else return load<f32>(scratchPtr + (<usize>target << 2));
  }
  return load<f32>(scratchPtr + (<usize>target << 2));
}

// exp(x) for x ≤ 0, two lanes at a time: x = k ln 2 + r with |r| ≤ ln 2 / 2, exp(r) by its
// Taylor series to r^13 (truncation below 1e-17 relative), times 2^k built in the exponent
// bits. Below −708 (where 2^k would be subnormal) the result is 0; such a token's
// probability is under 1e-307 of the top one's. Relative error ~1e-16, like Math.exp's.
const LN2_HI: f64 = 6.93147180369123816490e-1;
const LN2_LO: f64 = 1.90821492927058770002e-10;
const INV_LN2: f64 = 1.44269504088896338700;
const EXP_FLOOR: f64 = -708;

// @ts-ignore: decorator
@inline
function expNonPositive2(x: v128): v128 {
  const k = f64x2.nearest(f64x2.mul(x, f64x2.splat(INV_LN2)));
  const r = f64x2.sub(
    f64x2.sub(x, f64x2.mul(k, f64x2.splat(LN2_HI))),
    f64x2.mul(k, f64x2.splat(LN2_LO)),
  );
  let p = f64x2.splat(1.0 / 6227020800.0);
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 479001600.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 39916800.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 3628800.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 362880.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 40320.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 5040.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 720.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 120.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 24.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 6.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(0.5));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  const inRange = f64x2.ge(x, f64x2.splat(EXP_FLOOR));
  const safeK = v128.and(k, inRange);
  const bits = i64x2.shl(
    i64x2.add(i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(safeK)), i64x2.splat(1023)),
    52,
  );
  return v128.and(f64x2.mul(p, bits), inRange);
}

// @ts-ignore: decorator
@inline
function expNonPositive(x: f64): f64 {
  return f64x2.extract_lane(expNonPositive2(f64x2.splat(x)), 0);
}

/** `exps[i] = exp(kept[i] − max)` for the first `count` kept values; returns their sum. */
export function exponentiate(count: i32, max: f32): f64 {
  const mv = f64x2.splat(<f64>max);
  let sum = f64x2.splat(0);
  const pairs = count & ~1;
  for (let i = 0; i < pairs; i += 2) {
    const v = f64x2.promote_low_f32x4(v128.load64_zero(keptPtr + (<usize>i << 2)));
    const e = expNonPositive2(f64x2.sub(v, mv));
    v128.store(expsPtr + (<usize>i << 3), e);
    sum = f64x2.add(sum, e);
  }
  let total = f64x2.extract_lane(sum, 0) + f64x2.extract_lane(sum, 1);
  if (count & 1) {
    const e = expNonPositive(<f64>load<f32>(keptPtr + (<usize>(count - 1) << 2)) - <f64>max);
    store<f64>(expsPtr + (<usize>(count - 1) << 3), e);
    total += e;
  }
  return total;
}

/**
 * Top-p over the first `count` kept values and their exps (summing to `total`): keeps the
 * smallest set of largest values whose mass reaches `p · total` (ties with the last one
 * stay), in place and in order, and returns how many. A mass histogram finds the boundary
 * bin; only its values are sorted.
 */
export function nucleus(count: i32, total: f64, p: f64, max: f32): i32 {
  let low = max;
  for (let i = 0; i < count; i++) low = min(low, load<f32>(keptPtr + (<usize>i << 2)));
  const scale: f64 = max > low ? <f64>(BINS - 1) / (<f64>max - <f64>low) : 0;
  memory.fill(massPtr, 0, <usize>BINS << 3);
  for (let i = 0; i < count; i++) {
    const b = <i32>((<f64>max - <f64>load<f32>(keptPtr + (<usize>i << 2))) * scale);
    store<i32>(binOfPtr + (<usize>i << 2), b);
    const at = massPtr + (<usize>b << 3);
    store<f64>(at, load<f64>(at) + load<f64>(expsPtr + (<usize>i << 3)));
  }
  const needed = p * total;
  let above: f64 = 0;
  let boundary = 0;
  for (; boundary < BINS - 1; boundary++) {
    const inBin = load<f64>(massPtr + (<usize>boundary << 3));
    if (above + inBin >= needed) break;
    above += inBin;
  }
  let m = 0;
  for (let i = 0; i < count; i++) {
    store<f32>(scratchPtr + (<usize>m << 2), load<f32>(keptPtr + (<usize>i << 2)));
    m += <i32>(load<i32>(binOfPtr + (<usize>i << 2)) == boundary);
  }
  heapSortAscending(m);
  let threshold = load<f32>(scratchPtr);
  let cumulative = above;
  for (let j = m - 1; j >= 0; j--) {
    const v = load<f32>(scratchPtr + (<usize>j << 2));
    cumulative += expNonPositive(<f64>v - <f64>max);
    if (cumulative >= needed) {
      threshold = v;
      break;
    }
  }
  let n = 0;
  for (let i = 0; i < count; i++) {
    const v = load<f32>(keptPtr + (<usize>i << 2));
    store<f32>(keptPtr + (<usize>n << 2), v);
    store<i32>(idsPtr + (<usize>n << 2), load<i32>(idsPtr + (<usize>i << 2)));
    store<f64>(expsPtr + (<usize>n << 3), load<f64>(expsPtr + (<usize>i << 3)));
    n += <i32>(v >= threshold);
  }
  return n;
}

/** Divides the first `count` exps by `total` in place (they become probabilities). */
export function normalize(count: i32, total: f64): void {
  const tv = f64x2.splat(total);
  const end = expsPtr + (<usize>(count & ~1) << 3);
  for (let p = expsPtr; p < end; p += 16) v128.store(p, f64x2.div(v128.load(p), tv));
  if (count & 1) {
    const at = expsPtr + (<usize>(count - 1) << 3);
    store<f64>(at, load<f64>(at) / total);
  }
}

/** Sorts scratch[0 .. n) ascending (heapsort: no recursion, O(n log n) even when all tie). */
function heapSortAscending(n: i32): void {
  for (let start = (n >> 1) - 1; start >= 0; start--) siftDown(start, n);
  for (let end = n - 1; end > 0; end--) {
    const a = scratchPtr;
    const b = scratchPtr + (<usize>end << 2);
    const t = load<f32>(a);
    store<f32>(a, load<f32>(b));
    store<f32>(b, t);
    siftDown(0, end);
  }
}

function siftDown(start: i32, n: i32): void {
  let root = start;
  for (;;) {
    let child = 2 * root + 1;
    if (child >= n) return;
    if (
      child + 1 < n &&
      load<f32>(scratchPtr + (<usize>child << 2)) < load<f32>(scratchPtr + (<usize>(child + 1) << 2))
    )
      child++;
    const r = scratchPtr + (<usize>root << 2);
    const c = scratchPtr + (<usize>child << 2);
    if (load<f32>(r) >= load<f32>(c)) return;
    const t = load<f32>(r);
    store<f32>(r, load<f32>(c));
    store<f32>(c, t);
    root = child;
  }
}
