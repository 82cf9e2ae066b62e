import { status } from '@grpc/grpc-js';
import { SjdClientError } from './sjd-client-error.js';

const name = 'SjdRpcError';

/** The gRPC status names, e.g. `INVALID_ARGUMENT`. */
export type RpcStatusName = keyof typeof status;

/**
 * The server (or the channel) ended a call with a non-OK gRPC status. `status` is its
 * name: `INVALID_ARGUMENT` (then `field` names the request field, as the proto spells it,
 * e.g. `sampling.top_p`, and `allowed` says what is accepted), `NOT_FOUND` (unknown model,
 * `field` is `model`), `RESOURCE_EXHAUSTED` (server full: retry later), `UNAVAILABLE`
 * (no server reachable, model still loading, or server stopping), `DEADLINE_EXCEEDED`, …
 */
export class SjdRpcError extends SjdClientError {
  /** The numeric gRPC status code. */
  readonly code: number;
  readonly status: RpcStatusName;
  /** The server's message. */
  readonly details: string;
  readonly allowed: string | undefined;

  constructor(options: {
    code: number;
    details: string;
    field?: string;
    allowed?: string;
    cause?: unknown;
  }) {
    const statusName = (status[options.code] ?? 'UNKNOWN') as RpcStatusName;
    super({
      name,
      message: `${statusName}: ${options.details}`,
      ...(options.field === undefined ? {} : { field: options.field }),
      cause: options.cause,
    });
    this.code = options.code;
    this.status = statusName;
    this.details = options.details;
    this.allowed = options.allowed;
  }

  static override isInstance(error: unknown): error is SjdRpcError {
    return SjdClientError.isInstance(error) && error.name === name;
  }
}
