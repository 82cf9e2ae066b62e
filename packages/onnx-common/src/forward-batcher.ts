import type { ForwardRequest } from './batched-forward.js';

interface Pending {
  readonly request: ForwardRequest;
  readonly resolve: (logits: Float32Array[]) => void;
  readonly reject: (error: unknown) => void;
  readonly release: () => void;
}

/** Runs a merged batch: one decoder call for all the requests (see `runForward`). */
export type RunBatch = (requests: readonly ForwardRequest[]) => Promise<Float32Array[][]>;

// The next turn of the event loop, after every pending microtask: `setImmediate` in Node,
// a zero timeout where there is none (browsers).
const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
const nextTurn: (callback: () => void) => void = immediate
  ? (callback) => {
      immediate(callback);
    }
  : (callback) => {
      setTimeout(callback, 0);
    };

/**
 * Continuous batching of forward passes. Every open session of a model submits its passes
 * here; the batcher runs one decoder call at a time, and each call takes every pass that was
 * submitted by then (first come, first served, up to `maxRows` rows), so the sessions that
 * wait on one call are merged into the next. A session that finishes simply stops
 * submitting; one that opens joins at the next call. The decoders see none of it: each
 * awaits its own `evaluate` as before.
 *
 * Why it merges: when a call returns, every session it served continues in microtasks
 * (sampling, acceptance, the next `evaluate`) before the batcher's next turn of the event
 * loop, so their next passes are all queued when it looks.
 */
export class ForwardBatcher {
  private readonly queue: Pending[] = [];
  private busy = false;
  private scheduled = false;
  /** Largest number of rows merged so far (for tests and benchmarks). */
  peakRows = 0;
  /** Decoder calls made. */
  calls = 0;
  /** Passes served (a merged call serves several). */
  passes = 0;

  constructor(
    private readonly run: RunBatch,
    /** Most rows in one call; a session with more rows than this runs alone. */
    readonly maxRows: number,
  ) {}

  /** Queues one session's pass; resolves with its rows' logits. */
  submit(request: ForwardRequest, signal?: AbortSignal): Promise<Float32Array[]> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Float32Array[]>((resolve, reject) => {
      const onAbort = () => {
        const index = this.queue.indexOf(pending);
        if (index < 0) return; // already running: it completes, the decoder checks after
        this.queue.splice(index, 1);
        reject(signal!.reason);
      };
      const pending: Pending = {
        request,
        resolve,
        reject,
        release: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(pending);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.busy || this.scheduled) return;
    this.scheduled = true;
    nextTurn(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.busy || this.queue.length === 0) return;
    this.busy = true;
    const taken: Pending[] = [];
    let rows = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0]!;
      const n = next.request.blocks.length;
      if (taken.length > 0 && rows + n > this.maxRows) break;
      taken.push(this.queue.shift()!);
      rows += n;
    }
    for (const p of taken) p.release();
    this.peakRows = Math.max(this.peakRows, rows);
    this.calls++;
    this.passes += taken.length;
    try {
      const results = await this.run(taken.map((p) => p.request));
      taken.forEach((p, i) => {
        p.resolve(results[i]!);
      });
    } catch (error) {
      for (const p of taken) p.reject(error);
    } finally {
      this.busy = false;
      this.schedule();
    }
  }
}
