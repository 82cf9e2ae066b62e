/**
 * `pnpm bench:core`: what the core itself costs per decoding step, with a provider that
 * returns precomputed logits (so the model costs nothing). Vocabulary 16384, window 32,
 * CFG on, top-k 2000, top-p 0.9. Vanilla AR runs in the same process as the baseline, and
 * the same two rows run again in a child process without WebAssembly (`--no-expose-wasm`),
 * where the sampling chain falls back to its plain JavaScript kernel.
 * Prints a table and writes bench/results/core.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generate } from '../generate.js';
import { FusedSamplingChain } from '../processing/fused-sampling-chain.js';
import type { ImageLayout } from '../provider/image-layout.js';
import type { LogitsProvider, LogitsSession } from '../provider/logits-provider.js';
import { SeededRandom } from '../random/seeded-random.js';

const VOCAB = 16_384;
const WINDOW = 32;
const LAYOUT: ImageLayout = {
  gridWidth: 32,
  gridHeight: 32,
  imageTokens: { start: 0, count: VOCAB },
  endOfRowToken: null,
};
const SAMPLING = { temperature: 1, topK: 2000, topP: 0.9, cfgScale: 3 };

/** Logits drawn once; every forward pass returns views of them. */
function precomputedProvider(): LogitsProvider {
  const random = new SeededRandom(1);
  const rows = [0, 1].map(() => {
    const logits = new Float32Array((WINDOW + 1) * VOCAB);
    // A peaked, model-like shape: a few hundred plausible tokens over a long flat tail.
    for (let i = 0; i < logits.length; i++) logits[i] = -8 * random.float() ** 0.25 + 4;
    return logits;
  });
  return {
    specificationVersion: 'v1',
    providerId: 'precomputed',
    vocabSize: VOCAB,
    layout: LAYOUT,
    async openSession(options): Promise<LogitsSession> {
      let length = Math.max(...options.prefixes.map((p) => p.length));
      return {
        rows: options.prefixes.length,
        get length() {
          return length;
        },
        async evaluate(blocks) {
          length += blocks[0]!.length;
          return blocks.map((b, r) => rows[r]!.subarray(0, b.length * VOCAB));
        },
        async truncate(n) {
          length = n;
        },
        async dispose() {},
      };
    },
  };
}

interface Row {
  kernel: 'wasm' | 'js';
  method: string;
  window: number;
  steps: number;
  tokens: number;
  msPerStep: number;
  msPerToken: number;
  coreMs: number;
}

async function measure(method: 'ar' | 'sjd', window: number): Promise<Row> {
  const provider = precomputedProvider();
  const run = () =>
    generate({
      provider,
      prompt: [1, 2, 3],
      unconditionalPrompt: [1, 0, 3],
      seed: 7,
      sampling: SAMPLING,
      decoding: { method, window, init: 'random' },
    });
  await run(); // warm-up: JIT and buffers
  const { statistics } = await run();
  return {
    // The kernel a chain in this process picks (generate() builds its chain the same way).
    kernel: new FusedSamplingChain(LAYOUT, VOCAB, SAMPLING).kernel.kind,
    method,
    window,
    steps: statistics.steps,
    tokens: statistics.tokens,
    msPerStep: statistics.coreMs / statistics.steps,
    msPerToken: statistics.coreMs / statistics.tokens,
    coreMs: statistics.coreMs,
  };
}

const own = [await measure('ar', 1), await measure('sjd', WINDOW)];
if (process.argv.includes('--rows-json')) {
  console.log(JSON.stringify(own));
  process.exit(0);
}
const child = execFileSync(
  process.execPath,
  ['--no-expose-wasm', fileURLToPath(import.meta.url), '--rows-json'],
  { encoding: 'utf8' },
);
const rows: Row[] = [...own, ...(JSON.parse(child) as Row[])];
const target = 3;
const ar = own[0]!;
const sjd = own[1]!;
const jsSjd = rows.find((r) => r.kernel === 'js' && r.method === 'sjd')!;
console.log(
  `core cost per step: vocab ${VOCAB}, CFG ${SAMPLING.cfgScale}, top-k ${SAMPLING.topK}, top-p ${SAMPLING.topP}`,
);
console.table(
  rows.map((r) => ({
    kernel: r.kernel,
    method: r.method,
    window: r.window,
    steps: r.steps,
    'ms/step': r.msPerStep.toFixed(3),
    'ms/token': r.msPerToken.toFixed(3),
    'step cost vs ar (wasm)': (r.msPerStep / ar.msPerStep).toFixed(1),
  })),
);
console.log(
  `SJD L=${WINDOW}: ${sjd.msPerStep.toFixed(3)} ms per step with the WebAssembly kernel (target ≤ ${target} ms): ${sjd.msPerStep <= target ? 'met' : 'NOT met'}; ` +
    `${jsSjd.msPerStep.toFixed(3)} ms with the JavaScript kernel (${(jsSjd.msPerStep / sjd.msPerStep).toFixed(2)}× slower)`,
);
const out = new URL('../../../../bench/results/', import.meta.url);
mkdirSync(out, { recursive: true });
writeFileSync(
  new URL('core.json', out),
  `${JSON.stringify({ vocab: VOCAB, window: WINDOW, sampling: SAMPLING, targetMsPerStep: target, msPerStep: sjd.msPerStep, kernel: sjd.kernel, jsKernelMsPerStep: jsSjd.msPerStep, rows }, null, 2)}\n`,
);
