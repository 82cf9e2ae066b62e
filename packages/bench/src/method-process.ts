/**
 * One benchmarked method in a child process of its own (worker.ts), driven round by round
 * over IPC, so that `pnpm bench` can interleave methods while each keeps its own peak RSS.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { MethodConfig } from './bench-plan.js';
import type { RoundMeasurement } from './round-measurement.js';

export type ParentMessage =
  | {
      readonly type: 'round';
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

const workerPath = fileURLToPath(new URL('./worker.js', import.meta.url));

export class MethodProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly label: string,
  ) {}

  /** Forks the worker and waits until the method is loaded and warmed up. */
  static async start(
    config: MethodConfig,
    label: string,
    warmCaption: string,
    modelDir?: string,
    /** Another checkout's built worker.js (same protocol), to compare two trees in one run. */
    worker: string = workerPath,
  ): Promise<MethodProcess> {
    const job = JSON.stringify({ config, warmCaption, ...(modelDir ? { modelDir } : {}) });
    const child = fork(worker, [job], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const p = new MethodProcess(child, label);
    await p.next('ready');
    return p;
  }

  async runRound(captionIndex: number, caption: string, seeds: readonly number[]) {
    this.child.send({ type: 'round', captionIndex, caption, seeds } satisfies ParentMessage);
    return ((await this.next('round')) as { measurement: RoundMeasurement }).measurement;
  }

  /** Releases the model and ends the process; resolves to its peak RSS in MB. */
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
