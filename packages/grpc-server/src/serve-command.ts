import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '@sjd/backend-node';
import { type Command, InvalidArgumentError as FlagError } from 'commander';
import type { ServeOptions } from './serve.js';
import { SERVER_DEFAULTS, type ServerTlsOptions } from './server-options.js';

/** What {@link addServeOptions} parses, before files are read. */
export interface ServeFlags {
  readonly host: string;
  readonly port: number;
  readonly model?: string[];
  readonly maxBatchRows: number;
  readonly maxConcurrent?: number;
  readonly maxQueue: number;
  readonly maxImagesPerRequest: number;
  readonly blockIntervalMs: number;
  readonly shutdownGraceMs: number;
  readonly keepaliveMs: number;
  readonly keepaliveTimeoutMs: number;
  readonly maxConnectionIdleMs: number;
  readonly maxConnectionAgeMs: number;
  readonly maxConcurrentStreams: number;
  readonly maxDeadlineMs: number;
  readonly threads?: number;
  readonly dtype?: string | Readonly<Record<string, string>>;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly tlsCa?: string;
  readonly tokenFile?: string;
  readonly insecure: boolean;
  readonly metricsPort?: number;
  readonly metricsHost: string;
}

function integer(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(n)) {
    throw new FlagError(`expected an integer, got ${JSON.stringify(value)}`);
  }
  return n;
}

/**
 * Commander parser for `--dtype` (`sjd generate`, `sjd calibrate`, `sjd serve`): one dtype
 * for every sub-model (`q4`), or `sub-model=dtype` pairs separated by commas
 * (`language_model=q4,gen_head=fp16`). The library checks the names against what the
 * folder's family has.
 */
export function parseDtypeFlag(value: string): string | Record<string, string> {
  if (!value.includes('=')) {
    if (value.trim() === '') throw new FlagError('expected a dtype such as fp32, q4');
    return value.trim();
  }
  const perModel: Record<string, string> = {};
  for (const pair of value.split(',')) {
    const [name, dtype, extra] = pair.split('=').map((part) => part.trim());
    if (!name || !dtype || extra !== undefined) {
      throw new FlagError(
        `expected a dtype (q4) or sub-model=dtype pairs separated by commas (language_model=q4,gen_head=fp16), got ${JSON.stringify(value)}`,
      );
    }
    perModel[name] = dtype;
  }
  return perModel;
}

/**
 * Adds the server's flags, with {@link SERVER_DEFAULTS} as their defaults, to a commander
 * command: the one definition behind `sjd serve` and `pnpm --filter @sjd/grpc-server serve`.
 */
export function addServeOptions(
  command: Command,
  describe: { readonly model?: string } = {},
): Command {
  const d = SERVER_DEFAULTS;
  return command
    .option(
      '--host <address>',
      'address to bind (0.0.0.0 or :: for all: needs TLS or --insecure)',
      '127.0.0.1',
    )
    .option('--port <n>', 'TCP port (0 = any free port)', integer, 50051)
    .option(
      '--model <dirs...>',
      describe.model ?? 'model folder(s); the first is the default (default: shipped)',
    )
    .option(
      '--max-batch-rows <n>',
      'rows (2 per generation with CFG) merged into one forward pass; admission counts rows (1: no merging)',
      integer,
      d.maxBatchRows,
    )
    .option(
      '--max-concurrent <n>',
      `generations decoding at once (default: ${d.maxConcurrent}; with --max-batch-rows > 1, as many as the rows allow)`,
      integer,
    )
    .option(
      '--max-queue <n>',
      'generations waiting; beyond, RESOURCE_EXHAUSTED',
      integer,
      d.maxQueue,
    )
    .option(
      '--max-images-per-request <n>',
      'images one request may ask for',
      integer,
      d.maxImagesPerRequest,
    )
    .option(
      '--block-interval-ms <ms>',
      'token blocks at most this often per stream, the steps meanwhile merged (0: one per step)',
      integer,
      d.blockIntervalMs,
    )
    .option(
      '--shutdown-grace-ms <ms>',
      'on SIGTERM, time running calls get to finish',
      integer,
      d.shutdownGraceMs,
    )
    .option('--keepalive-ms <ms>', 'keepalive ping interval', integer, d.keepaliveMs)
    .option(
      '--keepalive-timeout-ms <ms>',
      'an unanswered ping closes the connection after',
      integer,
      d.keepaliveTimeoutMs,
    )
    .option(
      '--max-connection-idle-ms <ms>',
      'close connections without a call for',
      integer,
      d.maxConnectionIdleMs,
    )
    .option(
      '--max-connection-age-ms <ms>',
      'ask connections older than this to go away (0: never)',
      integer,
      d.maxConnectionAgeMs,
    )
    .option(
      '--max-concurrent-streams <n>',
      'calls one connection may have open',
      integer,
      d.maxConcurrentStreams,
    )
    .option(
      '--max-deadline-ms <ms>',
      'the longest a Generate call may run',
      integer,
      d.maxDeadlineMs,
    )
    .option('--threads <n>', "onnxruntime threads (default: onnxruntime's choice)", integer)
    .option(
      '--dtype <dtype>',
      "which weights where a folder has several: one for all (q4) or per sub-model (language_model=q4,gen_head=fp16); default: the folder's choice",
      parseDtypeFlag,
    )
    .option('--tls-cert <file>', 'serve TLS with this certificate chain (PEM); needs --tls-key')
    .option('--tls-key <file>', 'the private key (PEM) of --tls-cert')
    .option('--tls-ca <file>', 'require client certificates from this CA (PEM): mutual TLS')
    .option('--token-file <file>', 'require this bearer token (first line; or SJD_AUTH_TOKEN)')
    .option('--insecure', 'allow plaintext on an address other than loopback', false)
    .option('--metrics-port <n>', 'serve Prometheus metrics (GET /metrics) on this port', integer)
    .option('--metrics-host <address>', 'address of the metrics port', '127.0.0.1');
}

/**
 * The {@link ServeOptions} of parsed flags: reads the TLS and token files (an unreadable
 * one is an `InvalidArgumentError` naming its flag) and the `SJD_AUTH_TOKEN` variable.
 */
export function serveOptionsFrom(
  flags: ServeFlags,
  env: NodeJS.ProcessEnv = process.env,
): ServeOptions {
  const tls = tlsOptions(flags.tlsCert, flags.tlsKey, flags.tlsCa);
  const authToken = tokenFrom(flags.tokenFile, env);
  return {
    host: flags.host,
    port: flags.port,
    ...(flags.model ? { modelDirs: flags.model } : {}),
    maxBatchRows: flags.maxBatchRows,
    ...(flags.maxConcurrent === undefined ? {} : { maxConcurrent: flags.maxConcurrent }),
    maxQueue: flags.maxQueue,
    maxImagesPerRequest: flags.maxImagesPerRequest,
    blockIntervalMs: flags.blockIntervalMs,
    shutdownGraceMs: flags.shutdownGraceMs,
    keepaliveMs: flags.keepaliveMs,
    keepaliveTimeoutMs: flags.keepaliveTimeoutMs,
    maxConnectionIdleMs: flags.maxConnectionIdleMs,
    maxConnectionAgeMs: flags.maxConnectionAgeMs,
    maxConcurrentStreams: flags.maxConcurrentStreams,
    maxDeadlineMs: flags.maxDeadlineMs,
    ...(flags.threads === undefined && flags.dtype === undefined
      ? {}
      : {
          loadOptions: {
            ...(flags.threads === undefined ? {} : { threads: flags.threads }),
            ...(flags.dtype === undefined ? {} : { dtype: flags.dtype }),
          },
        }),
    ...(tls ? { tls } : {}),
    ...(authToken === undefined ? {} : { authToken }),
    insecure: flags.insecure,
    ...(flags.metricsPort === undefined
      ? {}
      : { metrics: { port: flags.metricsPort, host: flags.metricsHost } }),
  };
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
    certChain: readFlagFile('tls-cert', cert),
    privateKey: readFlagFile('tls-key', key),
    ...(ca === undefined ? {} : { clientCa: readFlagFile('tls-ca', ca) }),
  };
}

function readFlagFile(field: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new InvalidArgumentError({
      field,
      allowed: 'a readable file',
      received: path,
      message: `Cannot read --${field} ${path}: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
}

/** The bearer token: the first line of `--token-file`, else `SJD_AUTH_TOKEN`, else none. */
function tokenFrom(file: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (file !== undefined)
    return readFlagFile('token-file', file).toString('utf8').split(/\r?\n/)[0];
  const fromEnv = env['SJD_AUTH_TOKEN'];
  return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
}
