import { hashedLogits, ToyLogitsProvider } from '@sjd/core/testing';
import { describe, expect, it } from 'vitest';
import { cellOf, GenerationDriver } from './generation-driver.js';

const layout = {
  gridWidth: 4,
  gridHeight: 3,
  imageTokens: { start: 5, count: 6 },
  endOfRowToken: null,
};
const provider = new ToyLogitsProvider({
  vocabSize: 11,
  layout,
  logits: hashedLogits({ salt: 3, scale: 2 }),
});

describe('GenerationDriver', () => {
  it('records which step committed every cell, the codes and a busy clock, and ends done', async () => {
    const driver = new GenerationDriver(layout, {
      provider,
      prompt: [1, 2],
      seed: 4,
      decoding: { method: 'sjd', window: 4, init: 'vertical' },
    });
    expect(driver.codes().every((c) => c === 0)).toBe(true);
    let events = 0;
    while (await driver.advance()) events++;
    expect(driver.done).toBe(true);
    expect(driver.seed).toBe(4);
    expect(driver.tokens).toBe(12);
    expect(events).toBe(driver.steps + 3);
    expect(driver.statistics?.steps).toBe(driver.steps);
    expect(Array.from(driver.stepOfCell).every((s) => s >= 0 && s < driver.steps)).toBe(true);
    expect(driver.stepOfCell[0]).toBe(0);
    expect(driver.stepOfCell[11]).toBe(driver.steps - 1);
    expect(driver.busyMs).toBeGreaterThan(0);
    expect(Array.from(driver.codes())).toEqual(Array.from(driver.sequence, (t) => t - 5));
    expect(await driver.advance()).toBe(false);
  });

  it('leaves undecided cells at −1 and their codes at 0 midway', async () => {
    const driver = new GenerationDriver(layout, {
      provider,
      prompt: [1, 2],
      seed: 1,
      decoding: { method: 'ar' },
    });
    await driver.advance(); // generation-start
    await driver.advance(); // first token
    expect(driver.steps).toBe(1);
    expect(driver.lastBlock).toBe(1);
    expect(driver.stepOfCell[0]).toBe(0);
    expect(Array.from(driver.stepOfCell.subarray(1)).every((s) => s === -1)).toBe(true);
    expect(Array.from(driver.codes().subarray(1)).every((c) => c === 0)).toBe(true);
    await driver.cancel();
    expect(driver.done).toBe(true);
  });

  it('an aborted generation rejects from advance', async () => {
    const controller = new AbortController();
    const driver = new GenerationDriver(layout, {
      provider,
      prompt: [1, 2],
      seed: 1,
      signal: controller.signal,
    });
    await driver.advance();
    controller.abort();
    await expect(async () => {
      while (await driver.advance()) {}
    }).rejects.toThrow(/abort/i);
  });
});

describe('cellOf', () => {
  it('maps sequence positions to cells, skipping end-of-row tokens', () => {
    expect(cellOf(layout, 5)).toBe(5);
    const delimited = { ...layout, endOfRowToken: 4 };
    expect([0, 3, 4, 5, 9, 10].map((p) => cellOf(delimited, p))).toEqual([0, 3, -1, 4, -1, 8]);
  });
});
