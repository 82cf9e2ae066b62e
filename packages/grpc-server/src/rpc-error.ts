import { Metadata, status } from '@grpc/grpc-js';
import { SjdError } from '@sjd/backend-node';

const name = 'SjdRpcError';

/** The gRPC status codes the server reports on purpose, by name. */
export type RpcStatusName = keyof typeof status;

/**
 * A failure the server reports to the caller as a gRPC status. For `INVALID_ARGUMENT`,
 * `field` (the request field, as the proto spells it, e.g. `sampling.top_p`) travels as
 * the trailer `sjd-field` and `allowed` as the binary trailer `sjd-allowed-bin` (UTF-8),
 * so clients get them typed.
 */
export class RpcError extends SjdError {
  readonly code: status;
  readonly field: string | undefined;
  readonly allowed: string | undefined;

  constructor(options: {
    code: status;
    message: string;
    field?: string;
    allowed?: string;
    cause?: unknown;
  }) {
    super({ name, message: options.message, cause: options.cause });
    this.code = options.code;
    this.field = options.field;
    this.allowed = options.allowed;
  }

  /** The status name, e.g. `INVALID_ARGUMENT`. */
  get statusName(): RpcStatusName {
    return status[this.code] as RpcStatusName;
  }

  /** The object grpc-js turns into the call's status and trailers. */
  toServiceError(): { code: status; details: string; metadata: Metadata } {
    const metadata = new Metadata();
    // Text metadata must be printable ASCII: field paths are; `allowed` (≥, ≠, …) goes as UTF-8 bytes.
    if (this.field !== undefined)
      metadata.set('sjd-field', this.field.replace(/[^\x20-\x7e]/g, '?'));
    if (this.allowed !== undefined)
      metadata.set('sjd-allowed-bin', Buffer.from(this.allowed, 'utf8'));
    return { code: this.code, details: this.message, metadata };
  }

  static override isInstance(error: unknown): error is RpcError {
    return SjdError.isInstance(error) && error.name === name;
  }
}
