import type { ToyLogitsFunction } from './toy-logits-provider.js';

/**
 * Logits that depend on the whole prefix: each (prefix, token) pair hashes to a value
 * spread over `[−scale, scale]`. Different `salt`s give unrelated models (use one for the
 * conditional and one for the unconditional behaviour of a CFG test).
 */
export function hashedLogits(options: { salt: number; scale: number }): ToyLogitsFunction {
  const { salt, scale } = options;
  return (tokens, out) => {
    let h = Math.imul(salt ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
    for (let i = 0; i < tokens.length; i++) h = mix(h ^ (tokens[i]! + 0x632be5ab + i));
    for (let v = 0; v < out.length; v++) {
      const x = mix(h ^ Math.imul(v + 1, 0x27d4eb2d));
      out[v] = ((x / 0xffffffff) * 2 - 1) * scale;
    }
  };
}

function mix(value: number): number {
  let x = value >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * Logits of a model that knows the answer regardless of context: at image position p the
 * token `tokenAt(p)` has logit `margin`, every other token 0. Used to show that drafts that
 * are always right reach about `window + 1` tokens per step. `promptLength` is the length of
 * the prompt that precedes the image.
 */
export function oracleLogits(options: {
  promptLength: number;
  tokenAt: (position: number) => number;
  margin: number;
}): ToyLogitsFunction {
  return (tokens, out) => {
    out.fill(0);
    const position = tokens.length - options.promptLength;
    out[options.tokenAt(position)] = options.margin;
  };
}
