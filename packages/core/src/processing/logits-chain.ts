import { ProviderContractError } from '../errors/provider-contract-error.js';
import { type ImageLayout, allowedTokensAt } from '../provider/image-layout.js';
import { AllowedTokensLogitsProcessor } from './allowed-tokens-mask.js';
import { ClassifierFreeGuidanceLogitsProcessor } from './classifier-free-guidance.js';
import type { TokenDistribution } from './distribution.js';
import type { LogitsProcessor } from './logits-processor.js';
import { softmaxDistribution } from './softmax-distribution.js';
import { TemperatureLogitsWarper } from './temperature-warper.js';
import { TopKLogitsWarper } from './top-k-warper.js';
import { TopPLogitsWarper } from './top-p-warper.js';

/**
 * The target distribution `P` at a position: the provider's row logits, mixed by
 * classifier-free guidance when there are two rows, then every processor in order, then
 * softmax. Owns a scratch buffer, so one chain serves one generation at a time.
 */
export class LogitsChain {
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

  /**
   * Distribution for block index `index` of a forward pass whose per-row logits are
   * `rowLogits`; `position` is the image-sequence position that the logits predict.
   */
  distributionAt(rowLogits: readonly Float32Array[], index: number, position: number): TokenDistribution {
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
 * them: CFG mix, structural mask, temperature, top-k, top-p.
 */
export function createSamplingChain(
  layout: ImageLayout,
  vocabSize: number,
  settings: ChainSettings,
): LogitsChain {
  return new LogitsChain({
    vocabSize,
    guidance: settings.cfgScale === 1 ? null : new ClassifierFreeGuidanceLogitsProcessor(settings.cfgScale),
    processors: [
      new AllowedTokensLogitsProcessor((position) => allowedTokensAt(layout, position)),
      new TemperatureLogitsWarper(settings.temperature),
      new TopKLogitsWarper(settings.topK),
      new TopPLogitsWarper(settings.topP),
    ],
  });
}
