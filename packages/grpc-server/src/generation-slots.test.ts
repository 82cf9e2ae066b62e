import { describe, expect, it } from 'vitest';
import { GenerationSlots } from './generation-slots.js';
import { RpcError } from './rpc-error.js';

const signal = () => new AbortController().signal;

describe('GenerationSlots', () => {
  it('grants up to maxConcurrent at once, then queues in arrival order', async () => {
    const slots = new GenerationSlots(2, 2);
    const a = await slots.acquire(signal());
    await slots.acquire(signal());
    const order: string[] = [];
    const granted = (name: string) => (release: () => void) => {
      order.push(name);
      return release;
    };
    const c = slots.acquire(signal()).then(granted('c'));
    const d = slots.acquire(signal()).then(granted('d'));
    expect([slots.active, slots.queued]).toEqual([2, 2]);
    a();
    a(); // releasing twice frees one slot only
    (await c)();
    (await d)();
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
    const release = await slots.acquire(signal());
    const controller = new AbortController();
    const waiting = slots.acquire(controller.signal);
    controller.abort(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    expect(slots.queued).toBe(0);
    release();
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
    running();
    expect(slots.active).toBe(0);
  });
});
