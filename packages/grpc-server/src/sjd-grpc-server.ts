import type { Server as HttpServer } from 'node:http';
import { isIPv4 } from 'node:net';
import { type ChannelOptions, Server, ServerCredentials, status } from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { InvalidArgumentError } from '@sjd/backend-node';
import { shippedModelDir } from '@sjd/shapes';
import { HealthImplementation, service as healthService } from 'grpc-health-check';
import type { Registry } from 'prom-client';
import { bearerTokenInterceptor } from './bearer-token-interceptor.js';
import { generateResponses } from './generate-responses.js';
import {
  type GenerateRequest,
  type GenerationServiceServer,
  GenerationServiceService,
  type ListModelsRequest,
} from './generated/sjd/v1/sjd.js';
import { GenerationSlots } from './generation-slots.js';
import type { ImageModel } from './image-model.js';
import { loadModelFolders } from './load-model-folders.js';
import { ModelRegistry } from './model-registry.js';
import { contractDescriptors } from './reflection-descriptors.js';
import { type RpcContext, streamingMethod, unaryMethod } from './rpc-adapter.js';
import { RpcError } from './rpc-error.js';
import { jsonLineLogger, type ServerLogger } from './server-log.js';
import { ServerMetrics } from './server-metrics.js';
import { SERVER_DEFAULTS, type ServerTlsOptions, type SjdServerOptions } from './server-options.js';
import { assertDecoded, tolerantDeserializer } from './tolerant-deserializer.js';

/** How long shutdown waits for connections to close by themselves once every generation is done. */
const FLUSH_MS = 1000;

/** The fully-qualified name of the service, as health checks and reflection know it. */
export const GENERATION_SERVICE_NAME = 'sjd.v1.GenerationService';

/**
 * The SJD gRPC server: `sjd.v1.GenerationService` plus the standard `grpc.health.v1`
 * health service (NOT_SERVING until the models are loaded, and again while stopping) and
 * server reflection, so grpcurl and other languages' tools work without the .proto files.
 *
 * @example
 * const server = new SjdGrpcServer({ maxConcurrent: 2 });
 * const port = await server.listen({ port: 50051 });
 * await server.ready();
 * process.once('SIGTERM', () => server.shutdown());
 */
export class SjdGrpcServer {
  private readonly server: Server;
  private readonly health: HealthImplementation;
  private readonly registry = new ModelRegistry();
  private readonly slots: GenerationSlots;
  private readonly log: ServerLogger;
  private readonly metrics: ServerMetrics;
  private metricsServer: HttpServer | undefined;
  private boundMetricsPort: number | undefined;
  private readonly maxImages: number;
  private readonly blockIntervalMs: number;
  private readonly maxBatchRows: number;
  private readonly graceMs: number;
  private readonly maxDeadlineMs: number;
  private readonly controllers = new Set<AbortController>();
  private readonly inFlight = new Set<Promise<void>>();
  private ownedModels: readonly ImageModel[] = [];
  private loading: Promise<void> | undefined;
  private stopping = false;
  private stopped: Promise<void> | undefined;

  constructor(private readonly options: SjdServerOptions = {}) {
    this.maxBatchRows = positiveInteger(
      'maxBatchRows',
      options.maxBatchRows ?? SERVER_DEFAULTS.maxBatchRows,
      1,
    );
    const batched = this.maxBatchRows > 1;
    const maxConcurrent = positiveInteger(
      'maxConcurrent',
      options.maxConcurrent ?? (batched ? this.maxBatchRows : SERVER_DEFAULTS.maxConcurrent),
      1,
    );
    const maxQueue = positiveInteger('maxQueue', options.maxQueue ?? SERVER_DEFAULTS.maxQueue, 0);
    this.maxImages = positiveInteger(
      'maxImagesPerRequest',
      options.maxImagesPerRequest ?? SERVER_DEFAULTS.maxImagesPerRequest,
      1,
    );
    this.blockIntervalMs = positiveInteger(
      'blockIntervalMs',
      options.blockIntervalMs ?? SERVER_DEFAULTS.blockIntervalMs,
      0,
    );
    this.graceMs = positiveInteger(
      'shutdownGraceMs',
      options.shutdownGraceMs ?? SERVER_DEFAULTS.shutdownGraceMs,
      0,
    );
    this.maxDeadlineMs = positiveInteger(
      'maxDeadlineMs',
      options.maxDeadlineMs ?? SERVER_DEFAULTS.maxDeadlineMs,
      1,
    );
    this.slots = new GenerationSlots(
      maxConcurrent,
      maxQueue,
      batched ? this.maxBatchRows : Number.POSITIVE_INFINITY,
    );
    this.metrics = new ServerMetrics(this.slots);
    const log = options.log ?? jsonLineLogger();
    // Every record also feeds the metrics: one place sees each call's outcome.
    this.log = (record) => {
      this.metrics.observe(record);
      log(record);
    };
    const interceptors =
      options.authToken === undefined
        ? []
        : [
            bearerTokenInterceptor(options.authToken, (method, peer) =>
              this.log({
                kind: 'request',
                time: new Date().toISOString(),
                method,
                peer,
                outcome: 'UNAUTHENTICATED',
                totalMs: 0,
              }),
            ),
          ];
    this.server = new Server({
      ...connectionOptions(options, this.graceMs),
      ...options.channelOptions,
      interceptors,
    });
    this.health = new HealthImplementation({
      '': 'NOT_SERVING',
      [GENERATION_SERVICE_NAME]: 'NOT_SERVING',
    });
    this.health.addToServer(this.server);
    // Reflection indexes the files of message types; the health request type brings health.proto.
    const healthFile = { 'grpc.health.v1.HealthCheckRequest': healthService['Check']!.requestType };
    new ReflectionService({ ...contractDescriptors(), ...healthFile }).addToServer(this.server);
    // Undecodable bytes reach the handlers, which answer INVALID_ARGUMENT (not INTERNAL).
    const service = {
      generate: {
        ...GenerationServiceService.generate,
        requestDeserialize: tolerantDeserializer(
          GenerationServiceService.generate.requestDeserialize,
        ),
      },
      listModels: {
        ...GenerationServiceService.listModels,
        requestDeserialize: tolerantDeserializer(
          GenerationServiceService.listModels.requestDeserialize,
        ),
      },
    };
    this.server.addService(service, this.handlers());
  }

  /**
   * Binds `host:port` (default `127.0.0.1`, port 0 = any free port), starts serving and
   * starts loading the models. Resolves with the bound port; {@link ready} tells when the
   * models are loaded. An address that cannot be bound throws `InvalidArgumentError` (field `port`).
   */
  async listen(address: { host?: string; port?: number } = {}): Promise<number> {
    const host = address.host ?? '127.0.0.1';
    if (!this.options.tls && !this.options.insecure && !isLoopback(host)) {
      throw new InvalidArgumentError({
        field: 'host',
        allowed:
          'a loopback address (127.0.0.1, ::1, localhost) unless TLS is configured (tls) or plaintext is allowed explicitly (insecure)',
        received: host,
      });
    }
    const target = `${host.includes(':') ? `[${host}]` : host}:${address.port ?? 0}`;
    const port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync(target, serverCredentials(this.options.tls), (error, bound) =>
        error
          ? reject(
              new InvalidArgumentError({
                field: 'port',
                allowed: `a free TCP port on ${host} (0: any)`,
                received: address.port ?? 0,
                message: `Cannot listen on ${target}: ${error.message}`,
              }),
            )
          : resolve(bound),
      ),
    );
    this.log({
      kind: 'server',
      time: new Date().toISOString(),
      event: 'listening',
      host,
      port,
      tls: this.options.tls ? (this.options.tls.clientCa ? 'mutual' : 'server') : 'none',
      token: this.options.authToken !== undefined,
    });
    if (this.options.metrics && !this.metricsServer) {
      const { host: metricsHost = '127.0.0.1', port: wanted } = this.options.metrics;
      const { port: metricsPort, server } = await this.metrics
        .serve(metricsHost, wanted)
        .catch((error: unknown) => {
          throw new InvalidArgumentError({
            field: 'metrics.port',
            allowed: `a free TCP port on ${metricsHost} (0: any)`,
            received: wanted,
            message: `Cannot serve metrics on ${metricsHost}:${wanted}: ${error instanceof Error ? error.message : String(error)}`,
          });
        });
      this.metricsServer = server;
      this.boundMetricsPort = metricsPort;
      this.log({
        kind: 'server',
        time: new Date().toISOString(),
        event: 'metrics-listening',
        port: metricsPort,
      });
    }
    this.loading ??= this.loadModels();
    this.loading.catch(() => {});
    return port;
  }

  /** Resolves once the models are loaded and health says SERVING; rejects if loading failed. */
  ready(): Promise<void> {
    if (!this.loading) return Promise.reject(new Error('Call listen() first.'));
    return this.loading;
  }

  /** Generations decoding now. */
  get activeGenerations(): number {
    return this.slots.active;
  }

  /** The port `GET /metrics` is served on (after {@link listen}, if the `metrics` option is set). */
  get metricsPort(): number | undefined {
    return this.boundMetricsPort;
  }

  /** The Prometheus registry with the server's metrics (the `sjd_*` series listed in docs/grpc.md). */
  get metricsRegistry(): Registry {
    return this.metrics.registry;
  }

  /** Rows decoding now (a generation's: 1, or 2 with CFG). */
  get activeRows(): number {
    return this.slots.activeRows;
  }

  /** Generations waiting for a slot now. */
  get queuedGenerations(): number {
    return this.slots.queued;
  }

  /** The models being served (empty until loaded). */
  get models(): readonly ImageModel[] {
    return this.registry.all();
  }

  /**
   * Stops: health says NOT_SERVING, no new calls are accepted, running streams get
   * `graceMs` (default: the `shutdownGraceMs` option) to finish, then they are cancelled
   * with UNAVAILABLE; finally the models the server loaded are released. Idempotent.
   */
  shutdown(graceMs: number = this.graceMs): Promise<void> {
    this.stopped ??= this.stop(graceMs);
    return this.stopped;
  }

  private async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    this.health.setStatus('', 'NOT_SERVING');
    this.health.setStatus(GENERATION_SERVICE_NAME, 'NOT_SERVING');
    this.log({
      kind: 'server',
      time: new Date().toISOString(),
      event: 'stopping',
      running: this.slots.active,
      queued: this.slots.queued,
      graceMs,
    });
    // Queued calls are refused now, so their clients retry on another replica at once.
    this.slots.close(shuttingDown());
    // Refuses new calls; resolves once every connection has closed by itself.
    const closed = new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'grace'>(
      (resolve) => (timer = setTimeout(() => resolve('grace'), graceMs)),
    );
    const finished = Promise.allSettled([...this.inFlight]).then(() => 'finished' as const);
    if ((await Promise.race([finished, graceOver])) === 'grace') {
      this.log({
        kind: 'server',
        time: new Date().toISOString(),
        event: 'grace-expired',
        cancelling: this.controllers.size,
      });
      const reason = shuttingDown();
      for (const controller of this.controllers) controller.abort(reason);
      await Promise.allSettled([...this.inFlight]);
    }
    clearTimeout(timer);
    // Let the last messages and statuses flush; whatever is still open after that
    // (health Watch streams, reflection) is closed.
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, FLUSH_MS).unref())]);
    this.server.forceShutdown();
    await this.loading?.catch(() => {});
    await Promise.allSettled(this.ownedModels.map((m) => m.release?.()));
    this.log({ kind: 'server', time: new Date().toISOString(), event: 'stopped' });
    const metricsServer = this.metricsServer;
    if (metricsServer) {
      await new Promise<void>((resolve) => {
        metricsServer.close(() => resolve());
        metricsServer.closeAllConnections();
      });
    }
  }

  private async loadModels(): Promise<void> {
    const started = performance.now();
    try {
      let models: readonly ImageModel[];
      if (this.options.models) {
        models = await this.options.models;
      } else {
        models = await loadModelFolders(this.options.modelDirs ?? [shippedModelDir], {
          ...this.options.loadOptions,
          ...(this.maxBatchRows > 1 ? { maxBatchRows: this.maxBatchRows } : {}),
        });
        this.ownedModels = models;
      }
      this.registry.register(models);
    } catch (error) {
      this.log({
        kind: 'server',
        time: new Date().toISOString(),
        event: 'model-load-failed',
        message: error instanceof Error ? error.message : String(error),
      });
      throw error;
    }
    if (this.stopping) return;
    this.health.setStatus('', 'SERVING');
    this.health.setStatus(GENERATION_SERVICE_NAME, 'SERVING');
    this.log({
      kind: 'server',
      time: new Date().toISOString(),
      event: 'models-loaded',
      models: this.registry.all().map((m) => m.name),
      ms: Math.round(performance.now() - started),
    });
  }

  /** The two methods: their domains behind the one transport adapter. */
  private handlers(): GenerationServiceServer {
    const server = this;
    const rpc: RpcContext = {
      log: this.log,
      maxDeadlineMs: this.maxDeadlineMs,
      get stopping() {
        return server.stopping;
      },
      track: (controller) => {
        this.controllers.add(controller);
        return () => this.controllers.delete(controller);
      },
    };
    const generation = {
      models: this.registry,
      slots: this.slots,
      maxImages: this.maxImages,
      blockIntervalMs: this.blockIntervalMs,
    };
    const generate = streamingMethod(
      rpc,
      (request: GenerateRequest, scope) => generateResponses(request, generation, scope),
      { refuseWhileStopping: true },
    );
    const listModels = unaryMethod(rpc, async (request: ListModelsRequest) => {
      assertDecoded(request, 'sjd.v1.ListModelsRequest');
      this.registry.resolve('');
      return this.registry.describe();
    });
    return {
      generate: (call) => {
        const done = generate(call);
        this.inFlight.add(done);
        void done.finally(() => this.inFlight.delete(done));
      },
      listModels: (call, callback) => void listModels(call, callback),
    };
  }
}

function serverCredentials(tls: ServerTlsOptions | undefined): ServerCredentials {
  if (!tls) return ServerCredentials.createInsecure();
  return ServerCredentials.createSsl(
    tls.clientCa ?? null,
    [{ cert_chain: tls.certChain, private_key: tls.privateKey }],
    tls.clientCa !== undefined,
  );
}

/** Whether binding `host` stays on this machine. */
function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    bare === 'localhost' ||
    bare === '::1' ||
    (isIPv4(bare) && bare.startsWith('127.')) ||
    (bare.startsWith('::ffff:') && bare.slice(7).startsWith('127.') && isIPv4(bare.slice(7)))
  );
}

function shuttingDown(): RpcError {
  return new RpcError({
    code: status.UNAVAILABLE,
    message: 'The server is shutting down; retry on another replica.',
  });
}

/** grpc-js server options for keepalive, idle and age limits and streams per connection. */
function connectionOptions(options: SjdServerOptions, graceMs: number): ChannelOptions {
  const setting = (field: keyof typeof SERVER_DEFAULTS, min: number) =>
    positiveInteger(field, options[field] ?? SERVER_DEFAULTS[field], min);
  const maxAge = setting('maxConnectionAgeMs', 0);
  return {
    'grpc.keepalive_time_ms': setting('keepaliveMs', 1),
    'grpc.keepalive_timeout_ms': setting('keepaliveTimeoutMs', 1),
    'grpc.max_connection_idle_ms': setting('maxConnectionIdleMs', 1),
    'grpc.max_concurrent_streams': setting('maxConcurrentStreams', 1),
    ...(maxAge > 0
      ? { 'grpc.max_connection_age_ms': maxAge, 'grpc.max_connection_age_grace_ms': graceMs }
      : {}),
  };
}

function positiveInteger(field: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new InvalidArgumentError({ field, allowed: `an integer ≥ ${min}`, received: value });
  }
  return value;
}
