#!/usr/bin/env node
/**
 * `pnpm --filter @sjd/grpc-server serve -- --port 50051`: the server without the `sjd`
 * command line (which offers the same as `sjd serve`). Exit 0 after a graceful stop,
 * 2 for a bad flag, 3 if the model cannot be loaded.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { InvalidArgumentError, ModelLoadError } from '@sjd/backend-node';
import { serve } from './serve.js';
import { SERVER_DEFAULTS, type ServerTlsOptions } from './server-options.js';

try {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '50051' },
      model: { type: 'string', multiple: true },
      'max-concurrent': { type: 'string', default: String(SERVER_DEFAULTS.maxConcurrent) },
      'max-queue': { type: 'string', default: String(SERVER_DEFAULTS.maxQueue) },
      'shutdown-grace-ms': { type: 'string', default: String(SERVER_DEFAULTS.shutdownGraceMs) },
      'max-images-per-request': {
        type: 'string',
        default: String(SERVER_DEFAULTS.maxImagesPerRequest),
      },
      'keepalive-ms': { type: 'string', default: String(SERVER_DEFAULTS.keepaliveMs) },
      'keepalive-timeout-ms': {
        type: 'string',
        default: String(SERVER_DEFAULTS.keepaliveTimeoutMs),
      },
      'max-connection-idle-ms': {
        type: 'string',
        default: String(SERVER_DEFAULTS.maxConnectionIdleMs),
      },
      'max-connection-age-ms': {
        type: 'string',
        default: String(SERVER_DEFAULTS.maxConnectionAgeMs),
      },
      'max-deadline-ms': { type: 'string', default: String(SERVER_DEFAULTS.maxDeadlineMs) },
      'max-concurrent-streams': {
        type: 'string',
        default: String(SERVER_DEFAULTS.maxConcurrentStreams),
      },
      threads: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'tls-ca': { type: 'string' },
      'token-file': { type: 'string' },
      insecure: { type: 'boolean', default: false },
      'metrics-port': { type: 'string' },
      'metrics-host': { type: 'string', default: '127.0.0.1' },
    },
  });
  const tls = tlsOptions(values['tls-cert'], values['tls-key'], values['tls-ca']);
  const authToken = tokenFrom(values['token-file']);
  await serve({
    host: values.host,
    port: Number(values.port),
    ...(values.model ? { modelDirs: values.model } : {}),
    maxConcurrent: Number(values['max-concurrent']),
    maxQueue: Number(values['max-queue']),
    shutdownGraceMs: Number(values['shutdown-grace-ms']),
    maxImagesPerRequest: Number(values['max-images-per-request']),
    keepaliveMs: Number(values['keepalive-ms']),
    keepaliveTimeoutMs: Number(values['keepalive-timeout-ms']),
    maxConnectionIdleMs: Number(values['max-connection-idle-ms']),
    maxConnectionAgeMs: Number(values['max-connection-age-ms']),
    maxConcurrentStreams: Number(values['max-concurrent-streams']),
    maxDeadlineMs: Number(values['max-deadline-ms']),
    ...(values.threads === undefined ? {} : { loadOptions: { threads: Number(values.threads) } }),
    ...(tls ? { tls } : {}),
    ...(authToken === undefined ? {} : { authToken }),
    insecure: values.insecure,
    ...(values['metrics-port'] === undefined
      ? {}
      : { metrics: { port: Number(values['metrics-port']), host: values['metrics-host'] } }),
  });
} catch (error) {
  process.stderr.write(
    `sjd-grpc-server: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = ModelLoadError.isInstance(error)
    ? 3
    : InvalidArgumentError.isInstance(error) || isParseError(error)
      ? 2
      : 1;
}

/** `--tls-cert` and `--tls-key` (PEM files) go together; `--tls-ca` adds mutual TLS. */
function tlsOptions(cert?: string, key?: string, ca?: string): ServerTlsOptions | undefined {
  if (cert === undefined && key === undefined && ca === undefined) return undefined;
  if (cert === undefined || key === undefined) {
    throw new InvalidArgumentError({
      field: cert === undefined ? 'tls-cert' : 'tls-key',
      allowed: 'both --tls-cert and --tls-key (PEM files), --tls-ca optional',
      received: undefined,
    });
  }
  return {
    certChain: readPem('tls-cert', cert),
    privateKey: readPem('tls-key', key),
    ...(ca === undefined ? {} : { clientCa: readPem('tls-ca', ca) }),
  };
}

function readPem(field: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new InvalidArgumentError({
      field,
      allowed: 'a readable PEM file',
      received: path,
      message: `Cannot read --${field} ${path}: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
}

/** The bearer token: the first line of `--token-file`, else `SJD_AUTH_TOKEN`, else none. */
function tokenFrom(file?: string): string | undefined {
  if (file !== undefined) return readPem('token-file', file).toString('utf8').split(/\r?\n/)[0];
  const fromEnv = process.env['SJD_AUTH_TOKEN'];
  return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
}

function isParseError(error: unknown): boolean {
  return (
    error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')
  );
}
