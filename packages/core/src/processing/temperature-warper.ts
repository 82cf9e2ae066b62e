import type { LogitsProcessor } from './logits-processor.js';

/**
 * Divides logits by the temperature. Temperature 0 is greedy decoding: only the largest
 * logit survives (ties go to the lowest id), so the distribution becomes a point mass.
 */
export class TemperatureLogitsWarper implements LogitsProcessor {
  readonly name = 'temperature';
  readonly temperature: number;

  constructor(temperature: number) {
    this.temperature = temperature;
  }

  process(logits: Float32Array): void {
    const t = this.temperature;
    if (t === 1) return;
    if (t === 0) {
      let best = -1;
      let bestValue = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < logits.length; i++) {
        if (logits[i]! > bestValue) {
          bestValue = logits[i]!;
          best = i;
        }
      }
      logits.fill(Number.NEGATIVE_INFINITY);
      if (best >= 0) logits[best] = 0;
      return;
    }
    const inverse = 1 / t;
    for (let i = 0; i < logits.length; i++) logits[i] = logits[i]! * inverse;
  }
}
