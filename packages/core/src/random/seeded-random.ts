import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
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
    this.generator = xoroshiro128plusFromState(seedState(seed));
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

/**
 * The generator's 128-bit state from a safe-integer seed, through splitmix32 so that
 * neighbouring seeds (0, 1, 2 …) start far apart. Seeding xoroshiro directly with a small
 * integer makes its first outputs extreme (the first float of seeds 1–4 was 0.99999…),
 * which skewed the very first sampled token.
 */
function seedState(seed: number): number[] {
  let x = (seed | 0) ^ Math.imul(Math.floor(seed / 0x1_0000_0000) | 0, 0x9e37_79b9);
  const next = () => {
    x = (x + 0x9e37_79b9) | 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85eb_ca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2_ae35);
    return (z ^ (z >>> 16)) | 0;
  };
  const state = [next(), next(), next(), next()];
  if (!state.some((w) => w !== 0)) state[0] = 1; // the all-zero state is a fixed point
  return state;
}
