import type { Tensor } from 'onnxruntime-common';

const view = new DataView(new ArrayBuffer(4));

/** IEEE 754 half (as its 16 bits) → number. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** number → IEEE 754 half bits, rounding to nearest even. */
function floatToHalf(value: number): number {
  view.setFloat32(0, value);
  const x = view.getUint32(0);
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  let e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    let half = mantissa >> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rest > mid || (rest === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mantissa >> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
  e = half >> 10;
  return sign | half;
}

/** A float32 or float16 tensor's values as a Float32Array (float32 data is not copied). */
export function tensorToFloat32(tensor: Tensor): Float32Array {
  if (tensor.type === 'float32') return tensor.data as Float32Array;
  if (tensor.type !== 'float16') throw new Error(`expected a float tensor, got ${tensor.type}`);
  const data = tensor.data as ArrayLike<number>;
  const out = new Float32Array(data.length);
  // onnxruntime gives float16 data as Uint16Array (bits), or as Float16Array where it exists.
  if (data instanceof Uint16Array)
    for (let i = 0; i < data.length; i++) out[i] = halfToFloat(data[i]!);
  else for (let i = 0; i < data.length; i++) out[i] = data[i]!;
  return out;
}

/** Float32 values as the data of a tensor of `type` (float16: its bits in a Uint16Array). */
export function float32ToData(
  data: Float32Array,
  type: 'float32' | 'float16',
): Float32Array | Uint16Array {
  if (type === 'float32') return data;
  const out = new Uint16Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = floatToHalf(data[i]!);
  return out;
}

/**
 * A float16 KV tensor's raw bits held as (integer) float32 values, so the core's `KvCache`
 * (Float32Array bookkeeping: trim copies, masking) keeps them exactly, and the conversion
 * each step is a native typed-array copy rather than a per-element decode.
 */
export function halfBitsAsFloat32(tensor: Tensor): Float32Array {
  const data = tensor.data as ArrayLike<number>;
  if (data instanceof Uint16Array) return new Float32Array(data);
  const out = new Float32Array(data.length); // a Float16Array, where the runtime has one
  for (let i = 0; i < data.length; i++) out[i] = floatToHalf(data[i]!);
  return out;
}

/** The inverse of {@link halfBitsAsFloat32}: the bits, as float16 tensor data. */
export function float32AsHalfBits(bits: Float32Array): Uint16Array {
  return new Uint16Array(bits);
}
