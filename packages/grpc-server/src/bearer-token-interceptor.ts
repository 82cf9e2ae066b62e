import { timingSafeEqual } from 'node:crypto';
import {
  type Metadata,
  ServerInterceptingCall,
  type ServerInterceptor,
  status,
} from '@grpc/grpc-js';
import { InvalidArgumentError } from '@sjd/backend-node';

/** Methods any caller may use: health checks (load balancers and probes carry no token). */
const OPEN_PREFIX = '/grpc.health.v1.Health/';

/**
 * A server interceptor that lets a call through only with the metadata
 * `authorization: Bearer <token>`; any other call ends with UNAUTHENTICATED before its
 * handler runs (health checks excepted). `onRefused` learns of every refused call.
 */
export function bearerTokenInterceptor(
  token: string,
  onRefused: (path: string, peer: string) => void = () => {},
): ServerInterceptor {
  if (typeof token !== 'string' || token.length === 0 || /[^\x21-\x7e]/.test(token)) {
    throw new InvalidArgumentError({
      field: 'authToken',
      allowed: 'a non-empty token of printable ASCII without spaces',
      received: typeof token === 'string' ? `${token.length} characters` : token,
    });
  }
  const expected = Buffer.from(`Bearer ${token}`);
  const authorised = (metadata: Metadata) => {
    const values = metadata.get('authorization');
    if (values.length !== 1) return false;
    const given = Buffer.from(String(values[0]));
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  return (method, call) =>
    new ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, pass) => {
            if (method.path.startsWith(OPEN_PREFIX) || authorised(metadata)) {
              pass(metadata);
              return;
            }
            onRefused(method.path, call.getPeer());
            call.sendStatus({
              code: status.UNAUTHENTICATED,
              details: 'Missing or wrong bearer token (metadata "authorization: Bearer <token>").',
            });
          },
        }),
    });
}
