import { status } from '@grpc/grpc-js';
import { RpcError } from './rpc-error.js';

const undecodable = Symbol('undecodable request');

/**
 * Wraps a request deserializer so that bytes that are not a valid message reach the
 * handler as a marker instead of failing inside grpc-js (which would answer INTERNAL);
 * the handler then answers INVALID_ARGUMENT via {@link assertDecoded}.
 */
export function tolerantDeserializer<T>(decode: (bytes: Buffer) => T): (bytes: Buffer) => T {
  return (bytes) => {
    try {
      return decode(bytes);
    } catch (error) {
      return { [undecodable]: error } as T;
    }
  };
}

/** Throws INVALID_ARGUMENT (field `request`) if the request could not be decoded. */
export function assertDecoded(request: object, messageName: string): void {
  if (!(undecodable in request)) return;
  const cause = (request as { [undecodable]: unknown })[undecodable];
  throw new RpcError({
    code: status.INVALID_ARGUMENT,
    message: `Invalid request: the bytes are not a valid ${messageName} (${cause instanceof Error ? cause.message : String(cause)}).`,
    field: 'request',
    allowed: `a serialized ${messageName}`,
    cause,
  });
}
