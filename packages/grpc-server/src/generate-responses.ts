import {
  encodePng,
  type GenerationEvent,
  type GenerationStartEvent,
  generateStream,
} from '@sjd/backend-node';
import { BlockCoalescer } from './block-coalescer.js';
import type { GenerateRequest, GenerateResponse, Timings } from './generated/sjd/v1/sjd.js';
import type { GenerationSlots } from './generation-slots.js';
import type { ImageModel } from './image-model.js';
import type { ModelRegistry } from './model-registry.js';
import { PreviewCanvas } from './preview-canvas.js';
import { type CallScope, round } from './rpc-adapter.js';
import { invalidArgument, toGenerateOptions } from './to-generate-options.js';
import { startResponse, statisticsMessage, tokenBlockResponse } from './to-generate-response.js';
import { assertDecoded } from './tolerant-deserializer.js';

/** What generation needs from its server. */
export interface GenerateDependencies {
  readonly models: ModelRegistry;
  readonly slots: GenerationSlots;
  readonly maxImages: number;
  /** The server's shortest interval between token blocks of a stream (ms; 0: every step). */
  readonly blockIntervalMs: number;
}

type RequestTimings = { queueMs: number; imageMs: number; firstBlockMs: number };

/**
 * The Generate method's domain, free of transport: validates the request, waits for a
 * generation slot (its rows counted; between images it yields the slot to whoever waits), then yields the start event, every token block, optional previews, a
 * PNG per image and the summary. The signal aborts it within one decoding step; returning
 * early (or an abort) frees the slot and releases the provider session. Bad input throws
 * an INVALID_ARGUMENT `RpcError` naming the proto field. Adds what it learns (model, seed,
 * steps, timings) to the call's log record.
 */
export async function* generateResponses(
  request: GenerateRequest,
  dependencies: GenerateDependencies,
  { signal, received, record, client }: CallScope,
): AsyncGenerator<GenerateResponse> {
  assertDecoded(request, 'sjd.v1.GenerateRequest');
  const model = dependencies.models.resolve(request.model);
  record.model = model.name;
  const plan = toGenerateOptions(request, model, dependencies.maxImages);
  const stream = generateStream({ ...plan.options, provider: model, signal });
  try {
    // The first step validates every option and yields the start event; no session is open yet.
    const start = (await stream.next()).value as GenerationStartEvent;
    record.seed = start.seed;
    record.images = start.images;
    record.decoding =
      start.method === 'ar'
        ? 'ar'
        : `${start.method} L=${start.window} ${start.init}${start.method === 'sjd' ? ` ${start.redraft}` : ''}`;
    const queued = performance.now();
    // Its rows: with CFG (scale ≠ 1) two rows decode in every pass; capacity counts rows.
    const rows = plan.sampling.cfgScale === 1 ? 1 : 2;
    const grant = await dependencies.slots.acquire(signal, { rows, client });
    record.queueMs = round(performance.now() - queued);
    try {
      yield startResponse(start, model, plan.sampling);
      const timings: RequestTimings = { queueMs: record.queueMs, imageMs: 0, firstBlockMs: 0 };
      const canvas = plan.previewEvery > 0 ? new PreviewCanvas(model.layout) : undefined;
      const blocks = new BlockCoalescer(
        Math.max(plan.blockIntervalMs, dependencies.blockIntervalMs),
      );
      for await (const event of stream) {
        if (event.type === 'token-block' && timings.firstBlockMs === 0) {
          timings.firstBlockMs = performance.now() - received;
          record.firstBlockMs = round(timings.firstBlockMs);
        }
        if (event.type === 'generation-done') {
          record.steps = event.statistics.steps;
          record.tokens = event.statistics.tokens;
          record.stepCompression = round(event.statistics.stepCompression);
        }
        const responses = await responsesFor(
          event,
          model,
          canvas,
          plan.previewEvery,
          timings,
          received,
        );
        yield* blocks.pass(responses, performance.now());
        // Between images, others waiting get their turn (fairness across clients).
        if (event.type === 'image-done' && event.image + 1 < start.images) {
          await grant.yieldTurn(signal);
        }
      }
    } finally {
      grant.release();
    }
  } catch (error) {
    throw invalidArgument(error) ?? error;
  } finally {
    await stream.return(undefined);
  }
}

/** The messages one core event becomes (a token block may bring a preview along). */
async function responsesFor(
  event: GenerationEvent,
  model: ImageModel,
  canvas: PreviewCanvas | undefined,
  previewEvery: number,
  timings: RequestTimings,
  received: number,
): Promise<GenerateResponse[]> {
  switch (event.type) {
    case 'generation-start':
      return [];
    case 'token-block': {
      const responses = [tokenBlockResponse(event)];
      if (canvas) {
        canvas.commit(event.start, event.tokens);
        if ((event.step + 1) % previewEvery === 0 && !canvas.complete) {
          const png = await timed(timings, () => renderPng(model, canvas.codes()));
          responses.push({
            event: {
              $case: 'preview',
              value: {
                image: event.image,
                steps: event.step + 1,
                committedTokens: canvas.committedTokens,
                png,
              },
            },
          });
        }
      }
      return responses;
    }
    case 'image-done': {
      canvas?.reset();
      const png = await timed(timings, () => renderPng(model, event.codes));
      const value = {
        image: event.image,
        png,
        tokens: Array.from(event.tokens),
        statistics: statisticsMessage(event.statistics),
      };
      return [{ event: { $case: 'image', value } }];
    }
    case 'generation-done': {
      const summary: Timings = {
        queueMs: timings.queueMs,
        firstBlockMs: timings.firstBlockMs,
        imageMs: timings.imageMs,
        totalMs: performance.now() - received,
      };
      return [
        {
          event: {
            $case: 'summary',
            value: {
              seed: BigInt(event.seed),
              statistics: statisticsMessage(event.statistics),
              timings: summary,
            },
          },
        },
      ];
    }
  }
}

async function renderPng(model: ImageModel, codes: Int32Array): Promise<Buffer> {
  const { pixelWidth, pixelHeight } = model;
  return encodePng(await model.decodeImage(codes), pixelWidth, pixelHeight);
}

async function timed<T>(timings: { imageMs: number }, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    timings.imageMs += performance.now() - started;
  }
}
