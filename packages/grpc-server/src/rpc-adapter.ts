import {
  type ServerUnaryCall,
  type ServerWritableStream,
  type sendUnaryData,
  status,
} from '@grpc/grpc-js';
import { RpcError } from './rpc-error.js';
import type { RequestLogRecord, ServerLogger } from './server-log.js';

/** What the transport adapter needs from its server. */
export interface RpcContext {
  readonly log: ServerLogger;
  /** The longest a call may run, whatever deadline it asks for (milliseconds). */
  readonly maxDeadlineMs: number;
  /** Whether the server is shutting down. */
  readonly stopping: boolean;
  /** Registers a running call's controller so shutdown can cancel it; returns the unregister function. */
  track(controller: AbortController): () => void;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** What a method adds to its call's log record (model, seed, steps, timings, …). */
export type RecordDetails = Partial<Mutable<RequestLogRecord>>;

/** What a method's domain gets besides the request. */
export interface CallScope {
  /** Aborts when the client cancels or disconnects, the deadline passes, or shutdown cuts the call off. */
  readonly signal: AbortSignal;
  /** `performance.now()` when the call arrived. */
  readonly received: number;
  /** Details for the call's log record. */
  readonly record: RecordDetails;
  /**
   * Who is calling, for fair admission: the `sjd-client-id` metadata when the call has
   * it, else the connection's peer address.
   */
  readonly client: string;
}

/** Metadata a client may send to be treated as one client across connections (fair admission). */
export const CLIENT_ID_METADATA = 'sjd-client-id';

/** A server-streaming method's domain: the request becomes responses, until the signal aborts. */
export type StreamingMethod<Req, Res> = (request: Req, scope: CallScope) => AsyncIterable<Res>;

/** A unary method's domain. */
export type UnaryMethod<Req, Res> = (request: Req, scope: CallScope) => Promise<Res>;

/**
 * The transport side of a server-streaming method: writes every response with
 * backpressure, and does what {@link unaryMethod} does. Never rejects.
 */
export function streamingMethod<Req, Res>(
  context: RpcContext,
  method: StreamingMethod<Req, Res>,
  options: { readonly refuseWhileStopping?: boolean } = {},
): (call: ServerWritableStream<Req, Res>) => Promise<void> {
  return (call) =>
    runCall(
      call,
      context,
      options.refuseWhileStopping ?? false,
      async (scope) => {
        for await (const response of method(call.request, scope)) {
          await write(call, response, scope.signal);
        }
        call.end();
      },
      (failure) => {
        try {
          call.emit('error', failure.toServiceError());
        } catch {
          call.emit('error', { code: status.INTERNAL, details: failure.message });
        }
      },
    );
}

/**
 * The transport side of a unary method: aborts the domain's signal when the client
 * cancels, the deadline (capped by the server's longest) passes or shutdown cuts the call
 * off; turns errors into statuses (anything not an {@link RpcError} is INTERNAL); writes
 * one log record per call. Never rejects.
 */
export function unaryMethod<Req, Res>(
  context: RpcContext,
  method: UnaryMethod<Req, Res>,
): (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => Promise<void> {
  return (call, callback) =>
    runCall(
      call,
      context,
      false,
      async (scope) => callback(null, await method(call.request, scope)),
      (failure) => callback(failure.toServiceError()),
    );
}

type SurfaceCall = ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown>;

async function runCall(
  call: SurfaceCall,
  context: RpcContext,
  refuseWhileStopping: boolean,
  body: (scope: CallScope) => Promise<void>,
  fail: (failure: RpcError) => void,
): Promise<void> {
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
  const record: RecordDetails = {};
  let failure: RpcError | undefined;
  try {
    if (refuseWhileStopping && context.stopping) {
      throw new RpcError({
        code: status.UNAVAILABLE,
        message: 'The server is shutting down; retry on another replica.',
      });
    }
    await body({ signal, received, record, client: clientOf(call) });
  } catch (error) {
    failure = toRpcError(error, signal);
    if (!call.cancelled) fail(failure);
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

/** Writes one message, waiting for the client to drain its buffer if it is full. */
async function write<Res>(
  call: ServerWritableStream<unknown, Res>,
  message: Res,
  signal: AbortSignal,
): Promise<void> {
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

function clientOf(call: SurfaceCall): string {
  const id = call.metadata.get(CLIENT_ID_METADATA)[0];
  return typeof id === 'string' && id !== '' ? `id:${id}` : `peer:${call.getPeer()}`;
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
    message: 'The deadline passed before the call finished.',
  });
}

function toRpcError(error: unknown, signal: AbortSignal): RpcError {
  if (RpcError.isInstance(error)) return error;
  if (signal.aborted && RpcError.isInstance(signal.reason)) return signal.reason;
  const message = error instanceof Error ? error.message : String(error);
  return new RpcError({ code: status.INTERNAL, message: `Failed: ${message}`, cause: error });
}

/** Logs without letting a failing logger break the call. */
function log(logger: ServerLogger, record: RequestLogRecord): void {
  try {
    logger(record);
  } catch {
    // A logger that throws loses its record, nothing more.
  }
}

/** Milliseconds rounded to 0.1. */
export function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
