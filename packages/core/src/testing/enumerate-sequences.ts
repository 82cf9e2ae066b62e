import type { ChainSettings } from '../processing/logits-chain.js';
import { allowedTokensAt, sequenceLength } from '../provider/image-layout.js';
import { referenceTarget } from './reference-target.js';
import type { ToyLogitsProvider } from './toy-logits-provider.js';

/**
 * The exact distribution of whole generated sequences under vanilla sampling, by
 * enumerating every sequence with non-zero probability. Keys are the tokens joined by
 * commas. Only for small vocabularies and grids: the work grows as (allowed tokens)^length.
 */
export function enumerateSequenceDistribution(
  provider: ToyLogitsProvider,
  prompt: ArrayLike<number>,
  unconditionalPrompt: ArrayLike<number> | null,
  settings: ChainSettings,
): Map<string, number> {
  const length = sequenceLength(provider.layout);
  const result = new Map<string, number>();
  const cond = new Float32Array(provider.vocabSize);
  const uncond = new Float32Array(provider.vocabSize);
  const visit = (prefix: number[], probability: number) => {
    if (prefix.length === length) {
      result.set(prefix.join(','), probability);
      return;
    }
    provider.logitsFor(Int32Array.from([...Array.from(prompt), ...prefix]), cond);
    let unconditional: Float32Array | null = null;
    if (unconditionalPrompt) {
      provider.logitsFor(Int32Array.from([...Array.from(unconditionalPrompt), ...prefix]), uncond);
      unconditional = uncond.slice();
    }
    const target = referenceTarget(
      cond.slice(),
      unconditional,
      allowedTokensAt(provider.layout, prefix.length),
      settings,
    );
    for (const [token, p] of target) {
      if (p > 0) visit([...prefix, token], probability * p);
    }
  };
  visit([], 1);
  return result;
}
