import { type ServerWritableStream, status } from '@grpc/grpc-js';
import {
  encodePng,
  type GenerationEvent,
  type GenerationStartEvent,
  generateStream,
} from '@sjd/backend-node';
import type { GenerateRequest, GenerateResponse, Timings } from './generated/sjd/v1/sjd.js';
import type { GenerationSlots } from './generation-slots.js';
import type { ImageModel } from './image-model.js';
import type { ModelRegistry } from './model-registry.js';
import { PreviewCanvas } from './preview-canvas.js';
import { RpcError } from './rpc-error.js';
import type { RequestLogRecord, ServerLogger } from './server-log.js';
import { invalidArgument, toGenerateOptions } from './to-generate-options.js';
import { startResponse, statisticsMessage, tokenBlockResponse } from './to-generate-response.js';
import { assertDecoded } from './tolerant-deserializer.js';

/** What the Generate handler needs from its server. */
export interface GenerateHandlerContext {
  readonly models: ModelRegistry;
  readonly slots: GenerationSlots;
  readonly maxImages: number;
  /** The longest a call may run, whatever deadline it asks for (milliseconds). */
  readonly maxDeadlineMs: number;
  readonly log: ServerLogger;
  /** Whether the server is shutting down (new calls are refused with UNAVAILABLE). */
  readonly stopping: boolean;
  /** Registers a running call's controller so shutdown can cancel it; returns the unregister function. */
  track(controller: AbortController): () => void;
}

type Call = ServerWritableStream<GenerateRequest, GenerateResponse>;
type RequestTimings = { queueMs: number; imageMs: number; firstBlockMs: number };
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Serves one `Generate` call: validates, waits for a generation slot, streams the start
 * event, every token block, optional previews, a PNG per image and the summary. A client
 * that cancels or disconnects, a passed deadline or a server shutdown aborts the
 * generation within one decoding step, and the provider session is released. Ends with
 * one log record. Never rejects.
 */
export async function handleGenerate(call: Call, context: GenerateHandlerContext): Promise<void> {
  const received = performance.now();
  const controller = new AbortController();
  const { signal } = controller;
  // The call's deadline, but no later than the server's longest allowed one.
  const deadline = Math.min(toEpochMs(call.getDeadline()), Date.now() + context.maxDeadlineMs);
  // grpc-js reports a passed deadline as 'cancelled' too, sometimes before our own timer
  // fires: tell the two apart by the clock.
  const onCancelled = () =>
    controller.abort(
      deadlinePassed(deadline)
        ? deadlineError()
        : new RpcError({ code: status.CANCELLED, message: 'The client cancelled the call.' }),
    );
  call.on('cancelled', onCancelled);
  const deadlineTimer = abortAtDeadline(deadline, controller);
  const untrack = context.track(controller);
  const record: Partial<Mutable<RequestLogRecord>> = {};
  let failure: RpcError | undefined;
  try {
    if (context.stopping) {
      throw new RpcError({
        code: status.UNAVAILABLE,
        message: 'The server is shutting down; retry on another replica.',
      });
    }
    await generate(call, context, signal, received, record);
    call.end();
  } catch (error) {
    failure = toRpcError(error, signal);
    if (!call.cancelled) {
      try {
        call.emit('error', failure.toServiceError());
      } catch {
        call.emit('error', { code: status.INTERNAL, details: failure.message });
      }
    }
  } finally {
    clearTimeout(deadlineTimer);
    call.off('cancelled', onCancelled);
    untrack();
    log(context.log, {
      kind: 'request',
      time: new Date().toISOString(),
      method: call.getPath(),
      peer: call.getPeer(),
      outcome: failure ? failure.statusName : 'OK',
      ...(failure ? { message: failure.message } : {}),
      ...(failure?.field === undefined ? {} : { field: failure.field }),
      ...record,
      totalMs: round(performance.now() - received),
    });
  }
}

async function generate(
  call: Call,
  context: GenerateHandlerContext,
  signal: AbortSignal,
  received: number,
  record: Partial<Mutable<RequestLogRecord>>,
): Promise<void> {
  assertDecoded(call.request, 'sjd.v1.GenerateRequest');
  const model = context.models.resolve(call.request.model);
  record.model = model.manifest.name;
  const plan = toGenerateOptions(call.request, model, context.maxImages);
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
    const release = await context.slots.acquire(signal);
    record.queueMs = round(performance.now() - queued);
    try {
      await write(call, startResponse(start, model, plan.sampling), signal);
      const timings: RequestTimings = { queueMs: record.queueMs, imageMs: 0, firstBlockMs: 0 };
      const canvas = plan.previewEvery > 0 ? new PreviewCanvas(model.layout) : undefined;
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
        for (const response of await responsesFor(
          event,
          model,
          canvas,
          plan.previewEvery,
          timings,
          received,
        )) {
          await write(call, response, signal);
        }
      }
    } finally {
      release();
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
  const { pixelWidth, pixelHeight } = model.manifest.image;
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

/** Writes one message, waiting for the client to drain its buffer if it is full. */
async function write(call: Call, message: GenerateResponse, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  if (call.write(message)) return;
  await new Promise<void>((resolve, reject) => {
    const onDrain = () => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    };
    const onAbort = () => {
      call.off('drain', onDrain);
      reject(signal.reason);
    };
    call.once('drain', onDrain);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function toEpochMs(deadline: Date | number): number {
  return deadline instanceof Date ? deadline.getTime() : deadline;
}

function abortAtDeadline(at: number, controller: AbortController): NodeJS.Timeout | undefined {
  if (!Number.isFinite(at)) return undefined;
  return setTimeout(() => controller.abort(deadlineError()), Math.max(0, at - Date.now()));
}

function deadlinePassed(at: number): boolean {
  return Number.isFinite(at) && Date.now() >= at - 5;
}

function deadlineError(): RpcError {
  return new RpcError({
    code: status.DEADLINE_EXCEEDED,
    message: 'The deadline passed before the generation finished.',
  });
}

function toRpcError(error: unknown, signal: AbortSignal): RpcError {
  if (RpcError.isInstance(error)) return error;
  if (signal.aborted && RpcError.isInstance(signal.reason)) return signal.reason;
  const message = error instanceof Error ? error.message : String(error);
  return new RpcError({
    code: status.INTERNAL,
    message: `Generation failed: ${message}`,
    cause: error,
  });
}

/** Logs without letting a failing logger break the call. */
function log(logger: ServerLogger, record: RequestLogRecord): void {
  try {
    logger(record);
  } catch {
    // A logger that throws loses its record, nothing more.
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
