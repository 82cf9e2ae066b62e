import { ProviderContractError } from '../errors/provider-contract-error.js';
import { allowedTokensAt, type ImageLayout } from '../provider/image-layout.js';
import { AllowedTokensLogitsProcessor } from './allowed-tokens-mask.js';
import { ClassifierFreeGuidanceLogitsProcessor } from './classifier-free-guidance.js';
import type { TokenDistribution } from './distribution.js';
import { FusedSamplingChain } from './fused-sampling-chain.js';
import type { LogitsProcessor } from './logits-processor.js';
import { softmaxDistribution } from './softmax-distribution.js';
import { TemperatureLogitsWarper } from './temperature-warper.js';
import { TopKLogitsWarper } from './top-k-warper.js';
import { TopPLogitsWarper } from './top-p-warper.js';

/** Computes the target distribution `P` at a position from a forward pass's row logits. */
export interface TargetChain {
  distributionAt(
    rowLogits: readonly Float32Array[],
    index: number,
    position: number,
  ): TokenDistribution;
}

/**
 * The target distribution `P` at a position: the provider's row logits, mixed by
 * classifier-free guidance when there are two rows, then every processor in order, then
 * softmax. Owns a scratch buffer, so one chain serves one generation at a time.
 */
export class LogitsChain implements TargetChain {
  readonly vocabSize: number;
  readonly guidance: ClassifierFreeGuidanceLogitsProcessor | null;
  readonly processors: readonly LogitsProcessor[];
  private readonly scratch: Float32Array;

  constructor(options: {
    vocabSize: number;
    guidance?: ClassifierFreeGuidanceLogitsProcessor | null;
    processors: readonly LogitsProcessor[];
  }) {
    this.vocabSize = options.vocabSize;
    this.guidance = options.guidance ?? null;
    this.processors = options.processors;
    this.scratch = new Float32Array(options.vocabSize);
  }

  distributionAt(
    rowLogits: readonly Float32Array[],
    index: number,
    position: number,
  ): TokenDistribution {
    const v = this.vocabSize;
    const from = index * v;
    const logits = this.scratch;
    const conditional = rowLogits[0]!.subarray(from, from + v);
    if (this.guidance && rowLogits.length > 1) {
      this.guidance.mix(conditional, rowLogits[1]!.subarray(from, from + v), logits);
    } else {
      logits.set(conditional);
    }
    const context = { position };
    for (const processor of this.processors) processor.process(logits, context);
    const distribution = softmaxDistribution(logits);
    if (distribution.ids.length === 0 || !(distribution.probs[0]! >= 0)) {
      throw new ProviderContractError({
        field: 'logits',
        message: `no finite logit among the allowed tokens at image position ${position} (NaN or all -Infinity)`,
      });
    }
    return distribution;
  }
}

/** Settings of the sampling chain, already validated. */
export interface ChainSettings {
  readonly temperature: number;
  readonly topK: number;
  readonly topP: number;
  readonly cfgScale: number;
}

/**
 * The chain that vanilla sampling and SJD both use, in the order Hugging Face applies
 * them: CFG mix, structural mask, temperature, top-k, top-p; fused for speed.
 */
export function createSamplingChain(
  layout: ImageLayout,
  vocabSize: number,
  settings: ChainSettings,
): TargetChain {
  return new FusedSamplingChain(layout, vocabSize, settings);
}

/** The same chain composed from the individual processors (the readable form). */
export function composeSamplingChain(
  layout: ImageLayout,
  vocabSize: number,
  settings: ChainSettings,
): LogitsChain {
  return new LogitsChain({
    vocabSize,
    guidance:
      settings.cfgScale === 1 ? null : new ClassifierFreeGuidanceLogitsProcessor(settings.cfgScale),
    processors: [
      new AllowedTokensLogitsProcessor((position) => allowedTokensAt(layout, position)),
      new TemperatureLogitsWarper(settings.temperature),
      new TopKLogitsWarper(settings.topK),
      new TopPLogitsWarper(settings.topP),
    ],
  });
}
