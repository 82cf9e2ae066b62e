import { status } from '@grpc/grpc-js';
import { RpcError } from './rpc-error.js';

/** What one generation asks of the server. */
export interface SlotDemand {
  /** Rows it decodes at once: 1, or 2 with classifier-free guidance. Default 1. */
  readonly rows?: number;
  /**
   * Who asks. Waiting generations go to the client served least recently, so one client's
   * many (or long) requests do not hold back another's. Default `''`.
   */
  readonly client?: string;
}

/** A granted place: hold it while decoding, hand it back with {@link release}. */
export interface SlotGrant {
  /** Frees the place (idempotent). */
  release(): void;
  /**
   * Between two images of a request: when another generation waits, hands the place over
   * and waits for the next turn (ahead of its own client's waiting requests, and never
   * refused for a full queue). Resolves at once when nobody waits. Rejects with the
   * signal's reason if it aborts meanwhile (the place is then already free).
   */
  yieldTurn(signal: AbortSignal): Promise<void>;
}

interface Waiter {
  readonly rows: number;
  /** Arrival order, to break ties between clients served equally recently. */
  readonly seq: number;
  /** A running generation yielding its turn: refused neither by the queue limit nor by close(). */
  readonly resuming: boolean;
  readonly grant: () => void;
  readonly refuse: (reason: unknown) => void;
}

interface ClientState {
  running: number;
  /** When it was last granted a place (0: never). */
  lastServed: number;
  readonly queue: Waiter[];
}

/**
 * Admission control by batch capacity: at most `maxConcurrent` generations and at most
 * `maxRows` rows (a generation's rows: 2 with CFG) decode at once, so every running
 * generation's rows fit one merged forward pass; one generation with more rows than
 * `maxRows` runs when nothing else does. At most `maxQueue` generations wait; anyone
 * beyond that is refused with RESOURCE_EXHAUSTED straight away, so a full server answers
 * fast instead of piling up (and its memory stays bounded). Waiting generations are
 * granted to the client served least recently (each client's own in arrival order), and a request of
 * several images yields its place between images when others wait ({@link SlotGrant.yieldTurn}):
 * one client's 16-image request does not starve another's 1-image request.
 */
export class GenerationSlots {
  private running = 0;
  private rowsInUse = 0;
  private waiting = 0;
  private tick = 0;
  private seq = 0;
  /** Clients with generations running or waiting. */
  private readonly clients = new Map<string, ClientState>();
  private closedWith: RpcError | undefined;

  constructor(
    readonly maxConcurrent: number,
    readonly maxQueue: number,
    readonly maxRows: number = Number.POSITIVE_INFINITY,
  ) {}

  /** Generations running now. */
  get active(): number {
    return this.running;
  }

  /** Rows decoding now. */
  get activeRows(): number {
    return this.rowsInUse;
  }

  /** Generations waiting for a place now. */
  get queued(): number {
    return this.waiting;
  }

  /**
   * Waits for a place and resolves with its grant. Throws RESOURCE_EXHAUSTED when the
   * places and the queue are full; rejects with the signal's reason if it aborts while waiting.
   */
  acquire(signal: AbortSignal, demand: SlotDemand = {}): Promise<SlotGrant> {
    signal.throwIfAborted();
    if (this.closedWith) return Promise.reject(this.closedWith);
    const rows = demand.rows ?? 1;
    const client = demand.client ?? '';
    const grant = this.grantFor(rows, client);
    if (this.waiting === 0 && this.fits(rows)) {
      this.take(rows, this.stateOf(client));
      return Promise.resolve(grant);
    }
    if (this.waiting >= this.maxQueue) {
      return Promise.reject(
        new RpcError({
          code: status.RESOURCE_EXHAUSTED,
          message: `The server is busy: ${this.running} generations running and ${this.waiting} queued (${this.rowsInUse} rows; limits ${this.maxConcurrent} generations${Number.isFinite(this.maxRows) ? `, ${this.maxRows} rows` : ''}, ${this.maxQueue} queued). Retry later.`,
        }),
      );
    }
    return this.wait(signal, rows, client, false).then(() => grant);
  }

  /**
   * Refuses every waiting generation and every later {@link acquire} with `reason` (on
   * shutdown: so queued clients retry elsewhere at once); running ones keep their places,
   * and one that yields its turn gets it back.
   */
  close(reason: RpcError): void {
    this.closedWith = reason;
    for (const [client, state] of this.clients) {
      const refused = state.queue.filter((w) => !w.resuming);
      state.queue.splice(0, state.queue.length, ...state.queue.filter((w) => w.resuming));
      this.waiting -= refused.length;
      this.forgetIfIdle(client, state);
      for (const waiter of refused) waiter.refuse(reason);
    }
    this.pump();
  }

  private stateOf(client: string): ClientState {
    let state = this.clients.get(client);
    if (!state) {
      state = { running: 0, lastServed: 0, queue: [] };
      this.clients.set(client, state);
    }
    return state;
  }

  private forgetIfIdle(client: string, state: ClientState): void {
    if (state.running === 0 && state.queue.length === 0) this.clients.delete(client);
  }

  private fits(rows: number): boolean {
    if (this.running >= this.maxConcurrent) return false;
    return this.running === 0 || this.rowsInUse + rows <= this.maxRows;
  }

  private take(rows: number, state: ClientState): void {
    this.running++;
    this.rowsInUse += rows;
    state.running++;
    state.lastServed = ++this.tick;
  }

  private free(rows: number, client: string, pump = true): void {
    this.running--;
    this.rowsInUse -= rows;
    const state = this.clients.get(client);
    if (state) {
      state.running--;
      this.forgetIfIdle(client, state);
    }
    if (pump) this.pump();
  }

  private grantFor(rows: number, client: string): SlotGrant {
    let held = true;
    return {
      release: () => {
        if (!held) return;
        held = false;
        this.free(rows, client);
      },
      yieldTurn: async (signal) => {
        signal.throwIfAborted();
        if (!held) throw new Error('GenerationSlots: yieldTurn after release');
        if (this.waiting === 0) return;
        held = false;
        // Queued before anyone is granted, so it goes ahead of its own client's requests.
        this.free(rows, client, false);
        await this.wait(signal, rows, client, true);
        held = true;
      },
    };
  }

  /** Queues a waiter: a resuming one first in its own client's queue. */
  private wait(signal: AbortSignal, rows: number, client: string, resuming: boolean) {
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        rows,
        seq: ++this.seq,
        resuming,
        grant: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
        refuse: (reason) => {
          signal.removeEventListener('abort', onAbort);
          reject(reason);
        },
      };
      const onAbort = () => {
        const state = this.clients.get(client);
        const index = state?.queue.indexOf(waiter) ?? -1;
        if (state && index >= 0) {
          state.queue.splice(index, 1);
          this.waiting--;
          this.forgetIfIdle(client, state);
          // The next in turn may have changed: it may fit now.
          this.pump();
        }
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const state = this.stateOf(client);
      if (resuming) state.queue.unshift(waiter);
      else state.queue.push(waiter);
      this.waiting++;
      this.pump();
    });
  }

  /**
   * Grants waiting generations while the next in turn fits. The next in turn: the head of
   * the queue of the client served least recently (never served first; ties by arrival).
   */
  private pump(): void {
    for (;;) {
      let next: ClientState | undefined;
      for (const state of this.clients.values()) {
        const head = state.queue[0];
        if (!head) continue;
        if (
          !next ||
          state.lastServed < next.lastServed ||
          (state.lastServed === next.lastServed && head.seq < next.queue[0]!.seq)
        ) {
          next = state;
        }
      }
      if (!next || !this.fits(next.queue[0]!.rows)) return;
      const head = next.queue.shift()!;
      this.waiting--;
      this.take(head.rows, next);
      head.grant();
    }
  }
}
