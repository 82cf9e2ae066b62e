import { Metadata, status } from '@grpc/grpc-js';
import { SjdError } from '@sjd/backend-node';

const name = 'SjdRpcError';

/**
 * The most bytes a status message may take once percent-encoded into the `grpc-message`
 * header, and the most bytes of `allowed`: far below the 8 KB of metadata common clients
 * accept, so an error about huge input still reaches the caller (and the log) whole.
 */
export const MAX_DETAILS_BYTES = 2048;

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
    super({ name, message: capText(options.message, MAX_DETAILS_BYTES), cause: options.cause });
    this.code = options.code;
    this.field = options.field === undefined ? undefined : capText(options.field, 256);
    this.allowed =
      options.allowed === undefined ? undefined : capText(options.allowed, MAX_DETAILS_BYTES);
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

/**
 * `text` cut so that its percent-encoded UTF-8 (how gRPC sends a status message) fits in
 * `maxBytes`, ending with how much was left out. Text that fits is returned as it is.
 */
export function capText(text: string, maxBytes: number): string {
  if (encodedBytes(text) <= maxBytes) return text;
  const room = maxBytes - 64; // for the note
  let used = 0;
  let end = 0;
  for (const char of text) {
    const bytes = encodedBytes(char);
    if (used + bytes > room) break;
    used += bytes;
    end += char.length;
  }
  return `${text.slice(0, end)}… (${text.length - end} more characters)`;
}

/** Bytes of `text` as UTF-8 with every byte outside printable ASCII percent-encoded. */
function encodedBytes(text: string): number {
  let bytes = 0;
  for (const byte of Buffer.from(text, 'utf8')) bytes += byte >= 0x20 && byte <= 0x7e ? 1 : 3;
  return bytes;
}
