import { describe, expect, it } from 'vitest';
import type { LogitsProvider, LogitsSession } from '../provider/logits-provider.js';
import { hashedLogits } from './hashed-logits.js';
import { runProviderConformance } from './provider-conformance.js';
import { ToyLogitsProvider } from './toy-logits-provider.js';

const layout = {
  gridWidth: 3,
  gridHeight: 2,
  imageTokens: { start: 4, count: 8 },
  endOfRowToken: null,
};
const toy = () =>
  new ToyLogitsProvider({ vocabSize: 12, layout, logits: hashedLogits({ salt: 5, scale: 3 }) });
const prompts = [Int32Array.from([1, 2, 3, 0]), Int32Array.from([1, 3, 0])];

/** The toy provider with one session method replaced, to prove the suite catches the fault. */
function broken(
  wrap: (session: LogitsSession) => Partial<LogitsSession>,
  base: LogitsProvider = toy(),
): LogitsProvider {
  return Object.assign(Object.create(base), {
    openSession: async (options: Parameters<LogitsProvider['openSession']>[0]) => {
      const session = await base.openSession(options);
      return Object.assign(Object.create(session), wrap(session));
    },
  });
}

describe('runProviderConformance', () => {
  it('the toy provider conforms', async () => {
    expect(await runProviderConformance(toy(), { prompts })).toEqual([]);
  });

  it('catches a truncate that leaves the rejected tokens in place', async () => {
    const failures = await runProviderConformance(
      broken(() => ({ truncate: async () => {} })),
      { prompts },
    );
    expect(failures.map((f) => f.check)).toContain('truncate');
  });

  it('catches a provider that reads its block after the call returned', async () => {
    const failures = await runProviderConformance(
      broken((session) => {
        let previous: Int32Array | undefined;
        return {
          evaluate: async (blocks) => {
            // Appends the *previous* call's block array as it is now (a lazy copy gone wrong).
            const out = await session.evaluate(previous ? blocks.map(() => previous!) : blocks);
            previous = blocks[0];
            return out;
          },
        };
      }),
      { prompts },
    );
    expect(failures.map((f) => f.check)).toContain('buffer-reuse');
  });

  it('catches rows that see each other', async () => {
    const failures = await runProviderConformance(
      broken((session) => ({
        evaluate: (blocks) => session.evaluate(blocks.map(() => blocks[0]!)),
      })),
      { prompts },
    );
    expect(failures.map((f) => f.check)).toEqual(expect.arrayContaining(['padding']));
  });

  it('catches an adoptRows that copies rows one by one (reads after writes) or not at all', async () => {
    const sequential = broken((session) => ({
      adoptRows: async (source, count) => {
        for (const [r, from] of source.entries())
          await session.adoptRows!(
            source.map((_, i) => (i === r ? from : i)),
            count,
          );
      },
    }));
    const checks = (await runProviderConformance(sequential, { prompts })).map((f) => f.check);
    expect(new Set(checks)).toEqual(new Set(['adopt-rows']));
    const idle = broken(() => ({ adoptRows: async () => {} }));
    expect((await runProviderConformance(idle, { prompts })).map((f) => f.check)).toContain(
      'adopt-rows',
    );
  });

  it('catches a wrong logits length and a bad layout', async () => {
    const shortLogits = broken((session) => ({
      evaluate: async (blocks) => (await session.evaluate(blocks)).map((x) => x.subarray(1)),
    }));
    expect((await runProviderConformance(shortLogits, { prompts })).map((f) => f.check)).toContain(
      'evaluate',
    );
    const badLayout = Object.assign(Object.create(toy()), {
      layout: { ...layout, imageTokens: { start: 8, count: 8 } },
    });
    expect((await runProviderConformance(badLayout, { prompts }))[0]?.check).toBe('shape');
  });
});
