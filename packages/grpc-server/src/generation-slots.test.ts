import { describe, expect, it } from 'vitest';
import { GenerationSlots, type SlotGrant } from './generation-slots.js';
import { RpcError } from './rpc-error.js';

const signal = () => new AbortController().signal;

/** Records the order grants arrive in. */
function recorder() {
  const order: string[] = [];
  const granted = (name: string) => (grant: SlotGrant) => {
    order.push(name);
    return grant;
  };
  return { order, granted };
}

describe('GenerationSlots', () => {
  it('grants up to maxConcurrent at once, then queues in arrival order', async () => {
    const slots = new GenerationSlots(2, 2);
    const a = await slots.acquire(signal());
    await slots.acquire(signal());
    const { order, granted } = recorder();
    const c = slots.acquire(signal()).then(granted('c'));
    const d = slots.acquire(signal()).then(granted('d'));
    expect([slots.active, slots.queued]).toEqual([2, 2]);
    a.release();
    a.release(); // releasing twice frees one slot only
    (await c).release();
    (await d).release();
    expect(order).toEqual(['c', 'd']);
    expect([slots.active, slots.queued]).toEqual([1, 0]);
  });

  it('refuses with RESOURCE_EXHAUSTED when slots and queue are full', async () => {
    const slots = new GenerationSlots(1, 0);
    await slots.acquire(signal());
    const error = await slots.acquire(signal()).catch((e: unknown) => e);
    expect(RpcError.isInstance(error) && error.statusName).toBe('RESOURCE_EXHAUSTED');
  });

  it('an abort while queued leaves the queue with the signal reason', async () => {
    const slots = new GenerationSlots(1, 1);
    const grant = await slots.acquire(signal());
    const controller = new AbortController();
    const waiting = slots.acquire(controller.signal);
    controller.abort(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    expect(slots.queued).toBe(0);
    grant.release();
    expect(slots.active).toBe(0);
  });

  it('close() refuses the waiting and every later caller, running ones keep their slots', async () => {
    const slots = new GenerationSlots(1, 4);
    const running = await slots.acquire(signal());
    const waiting = [slots.acquire(signal()), slots.acquire(signal())];
    const reason = new RpcError({ code: 14, message: 'stopping' });
    slots.close(reason);
    for (const result of await Promise.allSettled(waiting)) {
      expect(result).toEqual({ status: 'rejected', reason });
    }
    await expect(slots.acquire(signal())).rejects.toBe(reason);
    expect([slots.active, slots.queued]).toEqual([1, 0]);
    running.release();
    expect(slots.active).toBe(0);
  });

  it('counts rows: a generation starts when its rows fit beside the running ones', async () => {
    const slots = new GenerationSlots(8, 4, 4);
    const cfg = await slots.acquire(signal(), { rows: 2 });
    await slots.acquire(signal(), { rows: 1 });
    const { order, granted } = recorder();
    const next = slots.acquire(signal(), { rows: 2 }).then(granted('cfg'));
    expect([slots.active, slots.activeRows, slots.queued]).toEqual([2, 3, 1]);
    cfg.release();
    await next;
    expect(order).toEqual(['cfg']);
    expect([slots.active, slots.activeRows, slots.queued]).toEqual([2, 3, 0]);
  });

  it('runs a generation with more rows than maxRows alone rather than never', async () => {
    const slots = new GenerationSlots(8, 4, 1);
    const wide = await slots.acquire(signal(), { rows: 2 });
    expect(slots.activeRows).toBe(2);
    const { order, granted } = recorder();
    const narrow = slots.acquire(signal(), { rows: 1 }).then(granted('narrow'));
    expect(slots.queued).toBe(1);
    wide.release();
    await narrow;
    expect(order).toEqual(['narrow']);
  });

  it('grants waiting generations to the client served least recently, each client in arrival order', async () => {
    const slots = new GenerationSlots(1, 8);
    const running = await slots.acquire(signal(), { client: 'a' });
    const order: string[] = [];
    // Each generation finishes as soon as it starts, handing the slot to the next in turn.
    const run = (name: string, client: string) =>
      slots.acquire(signal(), { client }).then((grant) => {
        order.push(name);
        grant.release();
      });
    const waits = [
      run('a1', 'a'),
      run('a2', 'a'),
      run('a3', 'a'),
      run('b1', 'b'),
      run('c1', 'c'),
      run('b2', 'b'),
    ];
    expect(slots.queued).toBe(6);
    running.release();
    await Promise.all(waits);
    // a was served last (it runs), so b and c go first; then least recently served first.
    expect(order).toEqual(['b1', 'c1', 'a1', 'b2', 'a2', 'a3']);
  });

  it('yieldTurn hands the slot to another client between images and gets it back next', async () => {
    const slots = new GenerationSlots(1, 8);
    const long = await slots.acquire(signal(), { client: 'a' });
    expect(slots.queued).toBe(0);
    await long.yieldTurn(signal()); // nobody waits: keeps its slot
    expect([slots.active, slots.queued]).toEqual([1, 0]);
    const { order, granted } = recorder();
    const short = slots.acquire(signal(), { client: 'b' }).then(granted('b'));
    const laterA = slots.acquire(signal(), { client: 'a' }).then(granted('a-new'));
    const resumed = long.yieldTurn(signal()).then(() => order.push('a-resumed'));
    (await short).release();
    await resumed;
    // The running request comes back before its own client's queued one.
    expect(order).toEqual(['b', 'a-resumed']);
    long.release();
    (await laterA).release();
    expect(order).toEqual(['b', 'a-resumed', 'a-new']);
    expect([slots.active, slots.queued]).toEqual([0, 0]);
  });

  it("yieldTurn with only its own client's requests waiting keeps the slot", async () => {
    const slots = new GenerationSlots(1, 4);
    const long = await slots.acquire(signal(), { client: 'a' });
    let laterStarted = false;
    const later = slots.acquire(signal(), { client: 'a' }).then((grant) => {
      laterStarted = true;
      return grant;
    });
    await long.yieldTurn(signal());
    await Promise.resolve();
    expect([laterStarted, slots.active, slots.queued]).toEqual([false, 1, 1]);
    long.release();
    (await later).release();
  });

  it('a yielding generation is not refused by a full queue nor by close()', async () => {
    const slots = new GenerationSlots(1, 1);
    const long = await slots.acquire(signal(), { client: 'a' });
    const short = slots.acquire(signal(), { client: 'b' });
    expect(slots.queued).toBe(1); // the queue is full
    const resumed = long.yieldTurn(signal());
    const b = await short; // b decodes, a waits beyond the queue limit
    expect([slots.active, slots.queued]).toEqual([1, 1]);
    const refused = await slots.acquire(signal(), { client: 'c' }).catch((e: unknown) => e);
    expect(RpcError.isInstance(refused) && refused.statusName).toBe('RESOURCE_EXHAUSTED');
    slots.close(new RpcError({ code: 14, message: 'stopping' }));
    expect(slots.queued).toBe(1); // close() refuses new requests only
    b.release();
    await resumed;
    expect(slots.active).toBe(1);
    long.release();
    expect([slots.active, slots.queued]).toEqual([0, 0]);
  });

  it('an abort while yielding frees the slot and rejects with the reason', async () => {
    const slots = new GenerationSlots(1, 4);
    const long = await slots.acquire(signal(), { client: 'a' });
    const other = slots.acquire(signal(), { client: 'b' });
    const controller = new AbortController();
    const resumed = long.yieldTurn(controller.signal);
    const b = await other;
    controller.abort(new Error('cancelled'));
    await expect(resumed).rejects.toThrow('cancelled');
    long.release(); // after the abort: frees nothing more
    expect([slots.active, slots.queued]).toEqual([1, 0]);
    b.release();
    expect(slots.active).toBe(0);
  });
});
