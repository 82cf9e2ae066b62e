import { status } from '@grpc/grpc-js';
import { RpcError } from './rpc-error.js';

interface Waiter {
  readonly grant: (release: () => void) => void;
  readonly refuse: (reason: unknown) => void;
}

/**
 * Admission control: at most `maxConcurrent` generations run at once and at most
 * `maxQueue` wait for a slot, in arrival order. Anyone beyond that is refused with
 * RESOURCE_EXHAUSTED straight away, so a full server answers fast instead of piling up.
 */
export class GenerationSlots {
  private running = 0;
  private readonly waiting: Waiter[] = [];
  private closedWith: RpcError | undefined;

  constructor(
    readonly maxConcurrent: number,
    readonly maxQueue: number,
  ) {}

  /** Generations running now. */
  get active(): number {
    return this.running;
  }

  /** Generations waiting for a slot now. */
  get queued(): number {
    return this.waiting.length;
  }

  /**
   * Waits for a slot and resolves with the function that frees it (call it exactly once).
   * Throws RESOURCE_EXHAUSTED when slots and queue are full; rejects with the signal's
   * reason if it aborts while waiting.
   */
  acquire(signal: AbortSignal): Promise<() => void> {
    signal.throwIfAborted();
    if (this.closedWith) return Promise.reject(this.closedWith);
    if (this.running < this.maxConcurrent) {
      this.running++;
      return Promise.resolve(this.releaser());
    }
    if (this.waiting.length >= this.maxQueue) {
      return Promise.reject(
        new RpcError({
          code: status.RESOURCE_EXHAUSTED,
          message: `The server is busy: ${this.running} generations running and ${this.waiting.length} queued (limits ${this.maxConcurrent} and ${this.maxQueue}). Retry later.`,
        }),
      );
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        grant: (release) => {
          signal.removeEventListener('abort', onAbort);
          resolve(release);
        },
        refuse: (reason) => {
          signal.removeEventListener('abort', onAbort);
          reject(reason);
        },
      };
      const onAbort = () => {
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  /**
   * Refuses every waiting generation and every later {@link acquire} with `reason` (on
   * shutdown: so queued clients retry elsewhere at once); running ones keep their slots.
   */
  close(reason: RpcError): void {
    this.closedWith = reason;
    for (const waiter of this.waiting.splice(0)) waiter.refuse(reason);
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next.grant(this.releaser());
      else this.running--;
    };
  }
}
