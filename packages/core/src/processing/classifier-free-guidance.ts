import { ProviderContractError } from '../errors/provider-contract-error.js';

/**
 * Classifier-free guidance: `uncond + scale · (cond − uncond)`, written into `out`.
 * The conditional row comes first, as in the provider's session. Scale 1 returns the
 * conditional logits unchanged; scale 0 returns the unconditional ones.
 */
export class ClassifierFreeGuidanceLogitsProcessor {
  readonly name = 'classifier-free-guidance';
  readonly scale: number;

  constructor(scale: number) {
    this.scale = scale;
  }

  mix(conditional: Float32Array, unconditional: Float32Array, out: Float32Array): void {
    if (conditional.length !== unconditional.length || out.length !== conditional.length) {
      throw new ProviderContractError({
        field: 'logits',
        message: `conditional (${conditional.length}) and unconditional (${unconditional.length}) logits differ in length`,
      });
    }
    const s = this.scale;
    for (let i = 0; i < out.length; i++) {
      const u = unconditional[i]!;
      out[i] = u + s * (conditional[i]! - u);
    }
  }
}
