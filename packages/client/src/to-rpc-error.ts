import type { ServiceError } from '@grpc/grpc-js';
import { SjdRpcError } from './sjd-rpc-error.js';

/** A grpc-js `ServiceError` as a typed {@link SjdRpcError} (reads the `sjd-field` and `sjd-allowed-bin` trailers). */
export function toRpcError(error: unknown): unknown {
  if (!isServiceError(error)) return error;
  const field = error.metadata?.get('sjd-field')[0];
  const allowed = error.metadata?.get('sjd-allowed-bin')[0];
  return new SjdRpcError({
    code: error.code,
    details: error.details,
    ...(field === undefined ? {} : { field: String(field) }),
    ...(allowed === undefined
      ? {}
      : { allowed: Buffer.isBuffer(allowed) ? allowed.toString('utf8') : String(allowed) }),
    cause: error,
  });
}

function isServiceError(error: unknown): error is ServiceError {
  return (
    error instanceof Error && typeof (error as ServiceError).code === 'number' && 'details' in error
  );
}
