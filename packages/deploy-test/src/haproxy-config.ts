import { grpcHealthCheckRequestHex, SERVING_RESPONSE_HEX } from './grpc-health-probe-bytes.js';

/** What the HAProxy in front of the replicas needs to know. */
export interface HaproxyConfigOptions {
  /** `address:port` HAProxy listens on (cleartext HTTP/2, i.e. gRPC). */
  readonly bind: string;
  /** The replicas, `address:port`. */
  readonly servers: readonly string[];
  /** Where HAProxy's admin socket goes (for `show stat`), if anywhere. */
  readonly statsSocket?: string;
}

/**
 * An HAProxy configuration for gRPC replicas:
 * - HTTP/2 on both sides, balanced per call (`leastconn`: each call a stream, so the
 *   replica with the fewest streams in flight gets the next one);
 * - an active gRPC health check every second (`grpc.health.v1`, see
 *   {@link grpcHealthCheckRequestHex}): a replica loading its model or draining says
 *   NOT_SERVING and leaves the pool, a dead or unreachable one fails the check; when it is
 *   marked down its streams are cut at once (`on-marked-down shutdown-sessions`) rather than
 *   hanging until a timeout, so the client can retry them;
 * - a call whose connection to a replica fails is retried on another one (`retries`,
 *   `option redispatch`, `retry-on conn-failure empty-response response-timeout`);
 * - a replica that stops answering mid-stream is cut after `timeout server` (30 s without a
 *   byte; a generating replica sends a token block every few milliseconds).
 */
export function haproxyConfig(options: HaproxyConfigOptions): string {
  return `global
  maxconn 2000
${options.statsSocket ? `  stats socket ${options.statsSocket} mode 600 level admin\n` : ''}
defaults
  mode http
  timeout connect 1s
  timeout client 120s
  timeout server 30s
  timeout queue 10s
  timeout check 1s
  retries 3
  option redispatch 1
  retry-on conn-failure empty-response response-timeout

frontend grpc
  bind ${options.bind} proto h2
  default_backend sjd

backend sjd
  balance leastconn
  option tcp-check
  tcp-check connect
  tcp-check send-binary ${grpcHealthCheckRequestHex()}
  tcp-check expect binary ${SERVING_RESPONSE_HEX}
  default-server proto h2 check inter 1s fall 2 rise 2 on-marked-down shutdown-sessions
${options.servers.map((server, i) => `  server r${i + 1} ${server}`).join('\n')}
`;
}
