import { Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { float32ToData, tensorToFloat32 } from './float16.js';

const half = (values: number[]) => float32ToData(Float32Array.from(values), 'float16');

describe('float16 conversion at the session boundary', () => {
  it('encodes IEEE 754 halves, rounding to nearest even', () => {
    expect([...half([1, -2, 65504, 2 ** -24, 1e-9, Number.POSITIVE_INFINITY, 1e6])]).toEqual([
      0x3c00, 0xc000, 0x7bff, 0x0001, 0x0000, 0x7c00, 0x7c00,
    ]);
    // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: ties go to the even mantissa.
    expect([...half([1 + 2 ** -11, 1 + 3 * 2 ** -11])]).toEqual([0x3c00, 0x3c02]);
    expect(Number.isNaN(tensorToFloat32(new Tensor('float16', half([Number.NaN]), [1]))[0])).toBe(
      true,
    );
  });

  it('round-trips every finite half exactly', () => {
    const bits = new Uint16Array(0x10000);
    for (let i = 0; i < bits.length; i++) bits[i] = i;
    const values = tensorToFloat32(new Tensor('float16', bits, [bits.length]));
    const back = float32ToData(values, 'float16') as Uint16Array;
    for (let i = 0; i < bits.length; i++) {
      const exponent = (i >> 10) & 0x1f;
      if (exponent === 0x1f) continue; // infinities and NaNs
      expect(back[i]).toBe(i);
    }
  });

  it('passes float32 data through without a copy', () => {
    const data = Float32Array.of(1, 2);
    expect(tensorToFloat32(new Tensor('float32', data, [2]))).toBe(data);
    expect(float32ToData(data, 'float32')).toBe(data);
  });
});
