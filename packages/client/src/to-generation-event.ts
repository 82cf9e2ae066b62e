import type { RemoteDecodingStatistics, RemoteGenerationEvent } from './client-events.js';
import { initName, methodName, redraftName } from './generate-params.js';
import type {
  GenerateResponse,
  DecodingStatistics as ProtoStatistics,
} from './generated/sjd/v1/sjd.js';

/** A response message as a typed event; `undefined` for an event kind this client does not know. */
export function toGenerationEvent(response: GenerateResponse): RemoteGenerationEvent | undefined {
  const event = response.event;
  switch (event?.$case) {
    case 'start': {
      const v = event.value;
      return {
        type: 'generation-start',
        seed: Number(v.seed),
        model: v.model,
        gridWidth: v.gridWidth,
        gridHeight: v.gridHeight,
        sequenceLength: v.sequenceLength,
        pixelWidth: v.pixelWidth,
        pixelHeight: v.pixelHeight,
        images: v.images,
        method: methodName(v.method),
        window: v.autoWindow ? 'auto' : v.window,
        init: initName(v.init),
        redraft: redraftName(v.redraft),
        sampling: {
          temperature: v.sampling?.temperature ?? 1,
          topK: v.sampling?.topK ?? 0,
          topP: v.sampling?.topP ?? 1,
          cfgScale: v.sampling?.cfgScale ?? 1,
        },
        warnings: v.warnings,
      };
    }
    case 'tokenBlock': {
      const v = event.value;
      return {
        type: 'token-block',
        image: v.image,
        step: v.step,
        start: v.start,
        tokens: Int32Array.from(v.tokens),
        acceptedDrafts: v.acceptedDrafts,
      };
    }
    case 'preview': {
      const v = event.value;
      return {
        type: 'image-preview',
        image: v.image,
        steps: v.steps,
        committedTokens: v.committedTokens,
        png: v.png,
      };
    }
    case 'image': {
      const v = event.value;
      return {
        type: 'image-done',
        image: v.image,
        png: v.png,
        tokens: Int32Array.from(v.tokens),
        statistics: statistics(v.statistics),
      };
    }
    case 'summary': {
      const v = event.value;
      return {
        type: 'generation-done',
        seed: Number(v.seed),
        statistics: statistics(v.statistics),
        timings: {
          queueMs: v.timings?.queueMs ?? 0,
          firstBlockMs: v.timings?.firstBlockMs ?? 0,
          imageMs: v.timings?.imageMs ?? 0,
          totalMs: v.timings?.totalMs ?? 0,
        },
      };
    }
    default:
      return undefined;
  }
}

function statistics(s: ProtoStatistics | undefined): RemoteDecodingStatistics {
  return {
    steps: s?.steps ?? 0,
    tokens: s?.tokens ?? 0,
    stepCompression: s?.stepCompression ?? 0,
    meanAcceptedDrafts: s?.meanAcceptedDrafts ?? 0,
    providerMs: s?.providerMs ?? 0,
    coreMs: s?.coreMs ?? 0,
    totalMs: s?.totalMs ?? 0,
  };
}
