import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ProviderContractError } from '../../errors/provider-contract-error.js';
import type { ImageLayout } from '../../provider/image-layout.js';
import { SeededRandom } from '../../random/seeded-random.js';
import { FusedSamplingChain, WASM_MIN_VOCAB } from '../fused-sampling-chain.js';
import { JsSamplingKernel } from './js-sampling-kernel.js';
import { loadSamplingKernel, WasmSamplingKernel } from './wasm-sampling-kernel.js';

/** A layout whose image tokens fall into two ranges (an end-of-row token in between). */
const LAYOUT: ImageLayout = {
  gridWidth: 3,
  gridHeight: 3,
  imageTokens: { start: 10, count: 1203 },
  endOfRowToken: 5,
};
const VOCAB = 1300;

/**
 * Conditional and unconditional rows. Coarse rounding makes ties; some conditional logits
 * are -Infinity (a token the model rules out), which any positive CFG scale keeps at -∞.
 */
function randomRows(random: SeededRandom, positions: number): Float32Array[] {
  const spread = [0.5, 3, 12, 40][random.int(0, 3)]!;
  const offset = random.float() * 60 - 30;
  const quantum = random.float() < 0.3 ? 0.25 : 0;
  return [0, 1].map((row) =>
    Float32Array.from({ length: VOCAB * positions }, () => {
      if (row === 0 && random.float() < 0.02) return Number.NEGATIVE_INFINITY;
      const v = offset + (random.float() - 0.5) * spread;
      return quantum ? Math.round(v / quantum) * quantum : v;
    }),
  );
}

describe('sampling kernels', () => {
  it('the WebAssembly SIMD kernel is what Node uses by default, except for toy vocabularies', async () => {
    expect(await loadSamplingKernel()).toBe(true);
    const toy = {
      gridWidth: 2,
      gridHeight: 2,
      imageTokens: { start: 5, count: 30 },
      endOfRowToken: null,
    };
    const settings = { temperature: 1, topK: 0, topP: 1, cfgScale: 1 };
    expect(new FusedSamplingChain(toy, WASM_MIN_VOCAB - 1, settings).kernel.kind).toBe('js');
    expect(new FusedSamplingChain(toy, WASM_MIN_VOCAB, settings).kernel.kind).toBe('wasm');
    expect(
      new FusedSamplingChain(LAYOUT, VOCAB, { temperature: 1, topK: 0, topP: 1, cfgScale: 1 })
        .kernel.kind,
    ).toBe('wasm');
  });

  it('WebAssembly and JavaScript kernels give the same tokens and probabilities', () => {
    const random = new SeededRandom(2024);
    let compared = 0;
    for (let trial = 0; trial < 60; trial++) {
      const settings = {
        temperature: [0, 0.5, 1, 1.7][random.int(0, 3)]!,
        topK: [0, 1, 7, 100, 600, 1203, 5000][random.int(0, 6)]!,
        topP: [1, 0.99, 0.9, 0.5, 0.05][random.int(0, 4)]!,
        cfgScale: [1, 3, 0.5, 7.5][random.int(0, 3)]!,
      };
      // One chain per kernel, reused over positions, so their adaptive top-k cuts move alike.
      const wasm = new FusedSamplingChain(LAYOUT, VOCAB, settings);
      const js = new FusedSamplingChain(LAYOUT, VOCAB, settings, 'js');
      expect(wasm.kernel.kind).toBe('wasm');
      expect(js.kernel.kind).toBe('js');
      const positions = 6;
      const rows = randomRows(random, positions);
      const given = settings.cfgScale === 1 ? [rows[0]!] : rows;
      for (let index = 0; index < positions; index++) {
        const position = random.int(0, 11); // row ends included (a single allowed token)
        const a = wasm.distributionAt(given, index, position);
        const b = js.distributionAt(given, index, position);
        expect([...a.ids]).toEqual([...b.ids]);
        for (let i = 0; i < a.probs.length; i++) {
          expect(Math.abs(a.probs[i]! - b.probs[i]!)).toBeLessThanOrEqual(
            1e-13 * b.probs[i]! + 1e-300,
          );
        }
        compared++;
      }
    }
    expect(compared).toBe(360);
  });

  it('agree on every intermediate: kept candidates, k-th largest, exps and nucleus', () => {
    const random = new SeededRandom(7);
    const wasm = WasmSamplingKernel.create(VOCAB)!;
    const js = new JsSamplingKernel(VOCAB);
    const ranges = [
      { start: 10, count: 601 },
      { start: 700, count: 3 },
      { start: 800, count: 499 },
    ];
    for (let trial = 0; trial < 40; trial++) {
      const rows = randomRows(random, 1);
      const floor = trial % 4 === 0 ? -Number.MAX_VALUE : (random.float() - 0.5) * 20;
      const counts = [wasm, js].map((kernel) =>
        kernel.gather(rows[0]!, trial % 2 ? rows[1]! : null, 0, ranges, 2.5, 1 / 0.8, floor),
      );
      expect(counts[0]).toBe(counts[1]);
      const n = counts[0]!;
      expect(wasm.kept.subarray(0, n)).toEqual(js.kept.subarray(0, n));
      expect(wasm.ids.subarray(0, n)).toEqual(js.ids.subarray(0, n));
      if (n === 0) continue;
      expect(wasm.max).toBe(js.max);
      expect(wasm.invalid).toBe(false);
      const k = random.int(1, n);
      const threshold = js.kthLargest(n, k);
      expect(wasm.kthLargest(n, k)).toBe(threshold);
      const kept = js.keepAtLeast(n, threshold);
      expect(wasm.keepAtLeast(n, threshold)).toBe(kept);
      expect(wasm.ids.subarray(0, kept)).toEqual(js.ids.subarray(0, kept));
      const totals = [wasm, js].map((kernel) => kernel.exponentiate(kept, js.max));
      expect(Math.abs(totals[0]! - totals[1]!)).toBeLessThanOrEqual(1e-13 * totals[1]!);
      const p = [0.3, 0.9, 1][trial % 3]!;
      const inNucleus = js.nucleus(kept, totals[1]!, p, js.max);
      expect(wasm.nucleus(kept, totals[0]!, p, js.max)).toBe(inNucleus);
      expect(wasm.ids.subarray(0, inNucleus)).toEqual(js.ids.subarray(0, inNucleus));
    }
  });

  it('both see NaN and +Infinity anywhere, kept or not, as a contract error', () => {
    const settings = { temperature: 1, topK: 5, topP: 1, cfgScale: 2 };
    for (const kernel of ['auto', 'js'] as const) {
      for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
        for (const at of [10, 11, 12, 600, 1211, 1212]) {
          const chain = new FusedSamplingChain(LAYOUT, VOCAB, settings, kernel);
          const rows = [0, 1].map(() => new Float32Array(VOCAB).fill(-3));
          rows[0]![at] = bad;
          expect(() => chain.distributionAt(rows, 0, 0), `${kernel} ${bad} at ${at}`).toThrow(
            ProviderContractError,
          );
        }
      }
    }
  });

  it('the committed WebAssembly module is what assembly/sampling-kernel.ts compiles to', () => {
    const script = fileURLToPath(new URL('../../../scripts/build-wasm.mjs', import.meta.url));
    expect(() =>
      execFileSync(process.execPath, [script, '--check'], { stdio: 'pipe' }),
    ).not.toThrow();
  }, 60_000);
});

describe('a generation without WebAssembly', () => {
  it('falls back to the JavaScript kernel and draws the same tokens from the same seed', async () => {
    // The script runs the built package twice: here (WebAssembly kernel) and in a Node
    // started with --no-expose-wasm (no WebAssembly global at all).
    const dist = new URL('../../../dist/', import.meta.url).href;
    const script = `
      const { generate } = await import('${dist}index.js');
      const { ToyLogitsProvider, hashedLogits } = await import('${dist}testing/index.js');
      const provider = new ToyLogitsProvider({
        vocabSize: 700,
        layout: { gridWidth: 6, gridHeight: 5, imageTokens: { start: 3, count: 640 }, endOfRowToken: 1 },
        logits: hashedLogits({ salt: 11, scale: 6 }),
      });
      const tokens = [];
      for (const seed of [1, 2, 3]) {
        const result = await generate({
          provider, prompt: [2, 5, 9], unconditionalPrompt: [2, 0, 9], seed,
          sampling: { temperature: 0.9, topK: 200, topP: 0.95, cfgScale: 2 },
          decoding: { method: 'sjd', window: 6 },
        });
        tokens.push(Array.from(result.images[0].codes));
      }
      console.log(JSON.stringify({ wasm: typeof WebAssembly !== 'undefined', tokens }));
    `;
    const run = (flags: string[]) =>
      JSON.parse(
        execFileSync(process.execPath, [...flags, '--input-type=module', '-e', script], {
          encoding: 'utf8',
        }),
      ) as { wasm: boolean; tokens: number[][] };
    const withWasm = run([]);
    const without = run(['--no-expose-wasm']);
    expect(withWasm.wasm).toBe(true);
    expect(without.wasm).toBe(false);
    expect(without.tokens).toEqual(withWasm.tokens);
    expect(new Set(withWasm.tokens.map((t) => t.join())).size).toBe(3);
  }, 60_000);
});
