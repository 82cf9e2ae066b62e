/**
 * Benchmarked methods in a child process (worker.ts), driven round by round over IPC, so
 * that `pnpm bench` can interleave methods. A process hosts one method (its peak RSS is then
 * that method's own) or several: methods that take turns in one process are timed under the
 * same process-wide conditions (onnxruntime's threads, V8's compiled code, the CPU the
 * scheduler gives it), which on a shared machine differ by up to 20 % between two processes
 * of identical code, so their ratios are far steadier than ratios across processes.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { MethodConfig } from './bench-plan.js';
import type { RoundMeasurement } from './round-measurement.js';

export type ParentMessage =
  | {
      readonly type: 'round';
      /** Which of the process's methods runs the round (0 when the process hosts one). */
      readonly method?: number;
      readonly captionIndex: number;
      readonly caption: string;
      readonly seeds: readonly number[];
    }
  | { readonly type: 'finish' };

export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'round'; readonly measurement: RoundMeasurement }
  | { readonly type: 'done'; readonly peakRssMb: number }
  | { readonly type: 'error'; readonly message: string };

/** What worker.ts receives as JSON in argv[2]: `config` (one method) or `configs` (several). */
export interface WorkerJob {
  readonly config?: MethodConfig;
  readonly configs?: readonly MethodConfig[];
  readonly warmCaption: string;
  readonly modelDir?: string;
  readonly threads?: number;
}

const workerPath = fileURLToPath(new URL('./worker.js', import.meta.url));

/** Where a method process finds its model and how it runs it. */
export interface MethodProcessOptions {
  /** Model folder (default: the shipped model). */
  readonly modelDir?: string | undefined;
  /** onnxruntime intra-op threads (default: onnxruntime's choice, every core). */
  readonly threads?: number | undefined;
  /**
   * Another checkout's built worker.js, to compare two trees in one run. Older workers host
   * one method each, so pass a single config with it.
   */
  readonly worker?: string | undefined;
}

export class MethodProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly label: string,
  ) {}

  /**
   * Forks a worker hosting `config` (one method) or every config of an array (methods
   * 0 … n−1 of {@link runRound}), and waits until they are loaded and warmed up.
   */
  static async start(
    config: MethodConfig | readonly MethodConfig[],
    label: string,
    warmCaption: string,
    options: MethodProcessOptions = {},
  ): Promise<MethodProcess> {
    const { modelDir, threads, worker = workerPath } = options;
    const job: WorkerJob = {
      ...(Array.isArray(config) ? { configs: config } : { config: config as MethodConfig }),
      warmCaption,
      ...(modelDir ? { modelDir } : {}),
      ...(threads ? { threads } : {}),
    };
    const child = fork(worker, [JSON.stringify(job)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const p = new MethodProcess(child, label);
    await p.next('ready');
    return p;
  }

  /** Measures one round of the process's method `method` (0 for a one-method process). */
  async runRound(
    captionIndex: number,
    caption: string,
    seeds: readonly number[],
    method = 0,
  ): Promise<RoundMeasurement> {
    const message: ParentMessage = {
      type: 'round',
      ...(method === 0 ? {} : { method }),
      captionIndex,
      caption,
      seeds,
    };
    this.child.send(message);
    return ((await this.next('round')) as { measurement: RoundMeasurement }).measurement;
  }

  /** Releases the models and ends the process; resolves to its peak RSS in MB. */
  async finish(): Promise<number> {
    this.child.send({ type: 'finish' } satisfies ParentMessage);
    return ((await this.next('done')) as { peakRssMb: number }).peakRssMb;
  }

  private next(type: WorkerMessage['type']): Promise<WorkerMessage> {
    return new Promise((resolve, reject) => {
      const onMessage = (message: WorkerMessage) => {
        cleanup();
        if (message.type === type) resolve(message);
        else if (message.type === 'error') reject(new Error(`${this.label}: ${message.message}`));
        else reject(new Error(`${this.label}: expected ${type}, got ${message.type}`));
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`${this.label}: worker exited (${code}) while waiting for ${type}`));
      };
      const cleanup = () => {
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
      };
      this.child.on('message', onMessage);
      this.child.on('exit', onExit);
    });
  }
}
