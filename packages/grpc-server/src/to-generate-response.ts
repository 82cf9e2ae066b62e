import type {
  DecodingStatistics as CoreStatistics,
  GenerationStartEvent,
  TokenBlockEvent,
} from '@sjd/backend-node';
import type { DecodingStatistics, GenerateResponse } from './generated/sjd/v1/sjd.js';
import type { ImageModel } from './image-model.js';
import { INIT, METHOD, REDRAFT } from './proto-enums.js';
import type { EffectiveSampling } from './to-generate-options.js';

/** The `start` message for a core `generation-start` event. */
export function startResponse(
  event: GenerationStartEvent,
  model: ImageModel,
  sampling: EffectiveSampling,
): GenerateResponse {
  return {
    event: {
      $case: 'start',
      value: {
        seed: BigInt(event.seed),
        model: model.name,
        gridWidth: event.gridWidth,
        gridHeight: event.gridHeight,
        sequenceLength: event.sequenceLength,
        pixelWidth: model.pixelWidth,
        pixelHeight: model.pixelHeight,
        images: event.images,
        method: METHOD.toProto(event.method),
        window: typeof event.window === 'number' ? event.window : 0,
        autoWindow: event.window === 'auto',
        init: INIT.toProto(event.init),
        redraft: REDRAFT.toProto(event.redraft),
        sampling: { ...sampling },
        warnings: [...event.warnings],
      },
    },
  };
}

/** The `token_block` message for a core `token-block` event. */
export function tokenBlockResponse(event: TokenBlockEvent): GenerateResponse {
  return {
    event: {
      $case: 'tokenBlock',
      value: {
        image: event.image,
        step: event.step,
        start: event.start,
        tokens: Array.from(event.tokens),
        acceptedDrafts: event.acceptedDrafts,
      },
    },
  };
}

/** Core statistics in the proto's shape. */
export function statisticsMessage(s: CoreStatistics): DecodingStatistics {
  return {
    steps: s.steps,
    tokens: s.tokens,
    stepCompression: s.stepCompression,
    meanAcceptedDrafts: s.meanAcceptedDrafts,
    providerMs: s.providerMs,
    coreMs: s.coreMs,
    totalMs: s.totalMs,
  };
}
