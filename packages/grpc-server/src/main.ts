#!/usr/bin/env node
/**
 * `pnpm --filter @sjd/grpc-server serve -- --port 50051`: the server without the `sjd`
 * command line (which offers the same as `sjd serve`). Exit 0 after a graceful stop,
 * 2 for a bad flag, 3 if the model cannot be loaded.
 */
import { parseArgs } from 'node:util';
import { InvalidArgumentError, ModelLoadError } from '@sjd/backend-node';
import { serve } from './serve.js';
import { SERVER_DEFAULTS } from './server-options.js';

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
      'max-concurrent-streams': {
        type: 'string',
        default: String(SERVER_DEFAULTS.maxConcurrentStreams),
      },
      threads: { type: 'string' },
    },
  });
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
    ...(values.threads === undefined ? {} : { loadOptions: { threads: Number(values.threads) } }),
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

function isParseError(error: unknown): boolean {
  return (
    error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')
  );
}
