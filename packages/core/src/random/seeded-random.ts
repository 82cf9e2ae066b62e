import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/**
 * A seeded random stream owned by one generation. Nothing in `@sjd/core` uses a global
 * RNG: each generation creates one of these from its effective seed, so the same seed and
 * settings reproduce the same tokens. Every number is used once (a draw and the coin that
 * verifies it never share a number).
 */
export class SeededRandom {
  readonly seed: number;
  private readonly generator: RandomGenerator;

  constructor(seed: number) {
    this.seed = seed;
    // Fold the high bits of a safe integer into the generator's 32-bit seed.
    const high = Math.floor(seed / 0x1_0000_0000);
    this.generator = xoroshiro128plus((seed | 0) ^ Math.imul(high | 0, 0x9e37_79b1));
  }

  /** Uniform in [0, 1), 53 bits. */
  float(): number {
    return uniformFloat64(this.generator);
  }

  /** Uniform integer in [from, to] (both included). */
  int(from: number, to: number): number {
    return uniformInt(this.generator, from, to);
  }
}

/** A fresh seed for callers who gave none; reported back so the result can be reproduced. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 0x7fff_ffff);
}
