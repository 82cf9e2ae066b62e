import { createServer, type Server as HttpServer } from 'node:http';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { GenerationSlots } from './generation-slots.js';
import type { ServerLogRecord } from './server-log.js';

/** The states `sjd_model_state` reports (1 for the current one, 0 for the others). */
const MODEL_STATES = ['loading', 'serving', 'failed', 'stopping', 'stopped'] as const;

/**
 * The server's Prometheus metrics, in a registry of its own. They are derived from the
 * records the server logs (one per call, and its lifecycle), plus the slots' live counts:
 *
 * - `sjd_requests_total{method,status}`, `sjd_request_duration_seconds{method,status}`
 * - `sjd_time_to_first_block_seconds`, `sjd_generation_steps`, `sjd_tokens_per_step`
 * - `sjd_queue_depth`, `sjd_busy_slots` (gauges, for autoscaling), `sjd_max_concurrent`
 * - `sjd_model_state{state}` and Node's process metrics.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'status'>;
  private readonly duration: Histogram<'method' | 'status'>;
  private readonly firstBlock: Histogram;
  private readonly steps: Histogram;
  private readonly tokensPerStep: Histogram;
  private readonly modelState: Gauge<'state'>;

  constructor(slots: GenerationSlots) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'sjd_requests_total',
      help: 'Calls answered, by method and gRPC status.',
      labelNames: ['method', 'status'],
      registers,
    });
    this.duration = new Histogram({
      name: 'sjd_request_duration_seconds',
      help: 'Time from a call’s arrival to its status, by method and gRPC status.',
      labelNames: ['method', 'status'],
      buckets: [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers,
    });
    this.firstBlock = new Histogram({
      name: 'sjd_time_to_first_block_seconds',
      help: 'Time from a Generate call’s arrival to its first committed tokens (queue included).',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.steps = new Histogram({
      name: 'sjd_generation_steps',
      help: 'Decoding steps (model forward passes) per finished Generate call.',
      buckets: [8, 16, 32, 64, 128, 256, 512, 1024, 4096],
      registers,
    });
    this.tokensPerStep = new Histogram({
      name: 'sjd_tokens_per_step',
      help: 'Tokens committed per decoding step (step compression) of each finished Generate call.',
      buckets: [1, 1.5, 2, 3, 4, 6, 8, 12, 16, 32],
      registers,
    });
    new Gauge({
      name: 'sjd_queue_depth',
      help: 'Generate calls waiting for a generation slot.',
      registers,
      collect() {
        this.set(slots.queued);
      },
    });
    new Gauge({
      name: 'sjd_busy_slots',
      help: 'Generation slots decoding now.',
      registers,
      collect() {
        this.set(slots.active);
      },
    });
    new Gauge({
      name: 'sjd_max_concurrent',
      help: 'Generation slots this server has.',
      registers,
      collect() {
        this.set(slots.maxConcurrent);
      },
    });
    this.modelState = new Gauge({
      name: 'sjd_model_state',
      help: 'The models’ state: 1 for the current one of loading, serving, failed, stopping, stopped.',
      labelNames: ['state'],
      registers,
    });
    this.setModelState('loading');
    collectDefaultMetrics({ register: this.registry });
  }

  /** Counts what one log record says. */
  observe(record: ServerLogRecord): void {
    if (record.kind === 'server') {
      const state = (
        {
          'models-loaded': 'serving',
          'model-load-failed': 'failed',
          stopping: 'stopping',
          stopped: 'stopped',
        } as const
      )[record.event as string];
      if (state) this.setModelState(state);
      return;
    }
    const labels = {
      method: record.method.split('/').pop() ?? record.method,
      status: record.outcome,
    };
    this.requests.inc(labels);
    this.duration.observe(labels, record.totalMs / 1000);
    if (record.firstBlockMs !== undefined && record.firstBlockMs > 0) {
      this.firstBlock.observe(record.firstBlockMs / 1000);
    }
    if (record.outcome === 'OK' && record.steps !== undefined) {
      this.steps.observe(record.steps);
      if (record.stepCompression !== undefined) this.tokensPerStep.observe(record.stepCompression);
    }
  }

  /**
   * Serves `GET /metrics` (Prometheus text format) on `host:port`; resolves with the
   * bound port and the server to close.
   */
  async serve(host: string, port: number): Promise<{ port: number; server: HttpServer }> {
    const server = createServer((request, response) => {
      if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
        response.writeHead(404).end('Not found: GET /metrics\n');
        return;
      }
      this.registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': this.registry.contentType }).end(text),
        (error: unknown) => response.writeHead(500).end(`${String(error)}\n`),
      );
    });
    server.keepAliveTimeout = 5000;
    server.headersTimeout = 10_000;
    server.requestTimeout = 10_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    return { port: typeof address === 'object' && address ? address.port : port, server };
  }

  private setModelState(current: (typeof MODEL_STATES)[number]): void {
    for (const state of MODEL_STATES) this.modelState.set({ state }, state === current ? 1 : 0);
  }
}
