import type { LogitsProvider, LogitsSession } from '../provider/logits-provider.js';

/** One broken promise of the `LogitsProvider` contract, found by {@link runProviderConformance}. */
export interface ConformanceFailure {
  /** Which check: `shape`, `evaluate`, `truncate`, `rows`, `padding`, `buffer-reuse`, `adopt-rows`, `dispose`, `prompt-vocabulary`. */
  readonly check: string;
  /** What was expected and what the provider did. */
  readonly message: string;
}

/** What {@link runProviderConformance} needs to know about the provider under test. */
export interface ConformanceOptions {
  /**
   * Two or more whole prompts the model accepts (ids below `promptVocabSize`), the first two
   * of different lengths (for the padding check); e.g. the encoded conditional and
   * unconditional prompt of a caption and of a shorter one.
   */
  readonly prompts: readonly Int32Array[];
  /**
   * Largest |difference| allowed between logits computed two ways (a batched row against the
   * row alone, a truncated session against a fresh one), relative to max(1, |logit|).
   * Default 1e-4: float rounding of other matrix shapes, as onnxruntime shows it.
   */
  readonly tolerance?: number;
}

/**
 * Runs the `LogitsProvider` v1 contract against a provider and returns what it breaks
 * (empty: conforms). Framework-free, so any test runner can use it:
 * `expect(await runProviderConformance(provider, { prompts })).toEqual([])`.
 *
 * Checks: `shape` (version, vocabulary, layout); `evaluate` (one row: logits per block
 * position, finite or −∞, `length` counting the tokens); `truncate` (a session cut back and
 * fed other tokens gives the logits of a fresh session fed those tokens); `rows` (two rows
 * as with CFG give each row's logits alone); `padding` (rows of different prompt lengths
 * likewise); `buffer-reuse` (the caller reusing its block arrays call after call, overwriting
 * them and the returned logits once a call has returned, must not change later results);
 * `adopt-rows` (only where sessions implement the optional `adoptRows`: after it, every row
 * continues as a fresh session fed the adopted row's path); `dispose`
 * (idempotent); `prompt-vocabulary` (the highest prompt id, `promptVocabSize − 1`, opens a
 * session). The provider is left open; sessions it opened are disposed.
 */
export async function runProviderConformance(
  provider: LogitsProvider,
  options: ConformanceOptions,
): Promise<ConformanceFailure[]> {
  const failures: ConformanceFailure[] = [];
  const fail = (check: string, message: string) => failures.push({ check, message });
  const tolerance = options.tolerance ?? 1e-4;
  const v = provider.vocabSize;

  checkShape(provider, fail);
  const [first, second] = options.prompts;
  if (!first || !second || first.length < 2 || second.length < 2) {
    fail('shape', 'options.prompts needs two prompts of at least 2 tokens each');
    return failures;
  }
  if (first.length === second.length)
    fail('padding', 'options.prompts[0] and [1] must differ in length to check padding');
  if (failures.length > 0) return failures;

  const { start, count } = provider.layout.imageTokens;
  const image = (k: number) => start + (k % count);
  const blockOf = (last: number, tokens: readonly number[]) => Int32Array.from([last, ...tokens]);
  const draftsA = [image(1), image(5), image(2), image(7)];
  const draftsB = [image(3), image(4)];

  /** Opens a session on prompts minus their last token, runs `check`, always disposes. */
  const within = async <T>(
    prompts: readonly Int32Array[],
    check: (s: LogitsSession) => Promise<T>,
  ) => {
    const session = await provider.openSession({ prefixes: prompts.map((p) => p.slice(0, -1)) });
    try {
      return await check(session);
    } finally {
      await session.dispose();
    }
  };
  /** The logits of one row fed `blocks` one call after another, alone. */
  const alone = (prompt: Int32Array, blocks: readonly (readonly number[])[]) =>
    within([prompt], async (s) => {
      const out: Float32Array[] = [];
      for (const block of blocks)
        out.push(Float32Array.from((await s.evaluate([Int32Array.from(block)]))[0]!));
      return out;
    });
  const compare = (
    check: string,
    what: string,
    got: Float32Array | undefined,
    want: Float32Array,
  ) => {
    if (!got || got.length !== want.length) {
      fail(check, `${what}: expected ${want.length} logits, got ${got?.length ?? 'none'}`);
      return;
    }
    let worst = 0;
    let at = 0;
    for (let i = 0; i < want.length; i++) {
      const a = got[i]!;
      const b = want[i]!;
      const d = a === b ? 0 : Math.abs(a - b) / Math.max(1, Math.abs(b));
      if (!(d <= worst)) {
        worst = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
        at = i;
      }
    }
    if (worst > tolerance)
      fail(
        check,
        `${what}: logit ${at % v} at block position ${Math.floor(at / v)} differs by ${worst.toExponential(2)} (tolerance ${tolerance})`,
      );
  };

  const guard = async (check: string, run: () => Promise<void>) => {
    try {
      await run();
    } catch (error) {
      fail(
        check,
        `threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
      );
    }
  };

  // evaluate: one row, length bookkeeping, logits per position.
  const last = first[first.length - 1]!;
  let reference: Float32Array | undefined;
  await guard('evaluate', () =>
    within([first], async (s) => {
      if (s.rows !== 1) fail('evaluate', `rows is ${s.rows} for one prefix`);
      if (s.length !== first.length - 1)
        fail('evaluate', `length is ${s.length} after a prefix of ${first.length - 1}`);
      const block = blockOf(last, draftsA);
      const out = await s.evaluate([block]);
      if (out.length !== 1) fail('evaluate', `returned ${out.length} arrays for one row`);
      const logits = out[0];
      if (!logits || logits.length !== block.length * v) {
        fail(
          'evaluate',
          `returned ${logits?.length} logits for a block of ${block.length} × vocabSize ${v}`,
        );
        return;
      }
      if (logits.some((x) => Number.isNaN(x) || x === Number.POSITIVE_INFINITY))
        fail('evaluate', 'logits hold NaN or +∞');
      if (s.length !== first.length + draftsA.length)
        fail(
          'evaluate',
          `length is ${s.length} after a block of ${block.length}, expected ${first.length + draftsA.length}`,
        );
      reference = Float32Array.from(logits);
    }),
  );
  if (!reference) return failures;

  // truncate: cut back to the pending token plus one draft, feed others: as a fresh session.
  await guard('truncate', async () => {
    const keep = first.length + 1; // prompt − 1, the pending token, one accepted draft
    const cut = await within([first], async (s) => {
      await s.evaluate([blockOf(last, draftsA)]);
      await s.truncate(keep);
      if (s.length !== keep) fail('truncate', `length is ${s.length} after truncate(${keep})`);
      return Float32Array.from((await s.evaluate([Int32Array.from(draftsB)]))[0]!);
    });
    const [fresh] = await alone(first, [[last, draftsA[0]!, ...draftsB]]);
    compare('truncate', 'after truncate, other tokens', cut, fresh!.subarray(2 * v));
  });

  // rows: two rows (CFG) and padding: prompts of different lengths, each row as alone.
  const both = async (check: string, prompts: readonly Int32Array[]) =>
    guard(check, async () => {
      // Each row its own drafts, so that a row fed another's block shows.
      const blocks = prompts.map((p, r) =>
        blockOf(
          p[p.length - 1]!,
          draftsA.map((_, k) => image(3 * r + k)),
        ),
      );
      const together = await within(prompts, async (s) => {
        if (s.rows !== prompts.length)
          fail(check, `rows is ${s.rows} for ${prompts.length} prefixes`);
        const want = Math.max(...prompts.map((p) => p.length - 1));
        if (s.length < want) fail(check, `length is ${s.length}, below the longest prefix ${want}`);
        return (await s.evaluate(blocks)).map((x) => Float32Array.from(x));
      });
      for (let r = 0; r < prompts.length; r++) {
        const [solo] = await alone(prompts[r]!, [Array.from(blocks[r]!)]);
        compare(check, `row ${r}`, together[r], solo!);
      }
    });
  const sameLength = options.prompts.find((p) => p !== first && p.length === first.length);
  await both('rows', [first, sameLength ?? first]);
  await both('padding', [first, second]);

  // buffer-reuse: the caller keeps one block array per row and reuses it call after call,
  // overwriting it once a call has returned, and scribbles over the returned logits (read
  // before the next call, as the contract says); later results must not change.
  await guard('buffer-reuse', async () => {
    const rows = [new Int32Array(1 + draftsA.length), new Int32Array(1 + draftsA.length)];
    const results = await within([first, first], async (s) => {
      for (const row of rows) row.set(blockOf(last, draftsA));
      const out1 = await s.evaluate(rows);
      const kept = out1.map((x) => Float32Array.from(x));
      for (const row of rows) row.fill(image(0));
      for (const x of out1) x.fill(Number.NaN);
      const step2 = rows.map((row) => row.subarray(0, draftsB.length));
      for (const row of step2) row.set(draftsB);
      const out2 = await s.evaluate(step2);
      for (const row of rows) row.fill(image(6));
      return { kept, second: out2.map((x) => Float32Array.from(x)) };
    });
    const [solo1, solo2] = await alone(first, [[last, ...draftsA], draftsB]);
    for (const [r, x] of results.kept.entries())
      compare('buffer-reuse', `row ${r}, first call`, x, solo1!);
    for (const [r, x] of results.second.entries())
      compare(
        'buffer-reuse',
        `row ${r}, after the caller overwrote its block and the logits`,
        x,
        solo2!,
      );
  });

  // adopt-rows (optional extension, SJD's proactive branches): two groups of the padded rows
  // fed different drafts, cut back to two drafts, then swapped: each row continues exactly as
  // a fresh session fed the other group's path.
  await guard('adopt-rows', async () => {
    const prompts = [first, second, first, second];
    const ends = prompts.map((p) => p[p.length - 1]!);
    const paths = [draftsA, draftsA.map((_, k) => image(k + 2))];
    const next = draftsB[0]!;
    const got = await within(prompts, async (s) => {
      if (!s.adoptRows) return null;
      const before = s.length;
      await s.evaluate(prompts.map((_, r) => blockOf(ends[r]!, paths[r >> 1]!)));
      await s.truncate(before + 3);
      await s.adoptRows([2, 3, 0, 1], 2);
      if (s.length !== before + 3)
        fail('adopt-rows', `length is ${s.length} after adoptRows, expected ${before + 3}`);
      const out = await s.evaluate(prompts.map(() => Int32Array.of(next)));
      return out.map((x) => Float32Array.from(x));
    });
    if (!got) return;
    for (let r = 0; r < prompts.length; r++) {
      const path = paths[1 - (r >> 1)]!;
      const [want] = await alone(prompts[r]!, [[ends[r]!, path[0]!, path[1]!, next]]);
      compare('adopt-rows', `row ${r} after adopting row ${r ^ 2}`, got[r], want!.subarray(3 * v));
    }
  });

  // dispose: idempotent.
  await guard('dispose', async () => {
    const s = await provider.openSession({ prefixes: [first.slice(0, -1)] });
    await s.evaluate([blockOf(last, [])]);
    await s.dispose();
    await s.dispose();
  });

  // prompt-vocabulary: the highest prompt id is accepted.
  await guard('prompt-vocabulary', async () => {
    const top = (provider.promptVocabSize ?? v) - 1;
    const prompt = Int32Array.from(first);
    prompt[0] = top;
    const [logits] = await alone(prompt, [[last]]);
    if (!logits || logits.length !== v)
      fail('prompt-vocabulary', `a prompt holding id ${top} gave ${logits?.length} logits`);
  });
  return failures;
}

function checkShape(
  provider: LogitsProvider,
  fail: (check: string, message: string) => void,
): void {
  const positive = (x: unknown) => Number.isInteger(x) && (x as number) > 0;
  if (provider.specificationVersion !== 'v1')
    fail(
      'shape',
      `specificationVersion is ${JSON.stringify(provider.specificationVersion)}, expected "v1"`,
    );
  if (typeof provider.providerId !== 'string' || provider.providerId === '')
    fail('shape', 'providerId is not a non-empty string');
  if (!positive(provider.vocabSize))
    fail('shape', `vocabSize ${provider.vocabSize} is not an integer ≥ 1`);
  if (provider.promptVocabSize !== undefined && !positive(provider.promptVocabSize))
    fail('shape', `promptVocabSize ${provider.promptVocabSize} is not an integer ≥ 1`);
  const { gridWidth, gridHeight, imageTokens, endOfRowToken } = provider.layout ?? {};
  if (!positive(gridWidth) || !positive(gridHeight))
    fail('shape', `layout grid ${gridWidth}×${gridHeight} is not two integers ≥ 1`);
  if (
    !imageTokens ||
    !Number.isInteger(imageTokens.start) ||
    imageTokens.start < 0 ||
    !positive(imageTokens.count) ||
    imageTokens.start + imageTokens.count > provider.vocabSize
  )
    fail(
      'shape',
      `layout.imageTokens ${JSON.stringify(imageTokens)} is not a range inside [0, vocabSize)`,
    );
  if (
    endOfRowToken !== null &&
    !(Number.isInteger(endOfRowToken) && endOfRowToken! >= 0 && endOfRowToken! < provider.vocabSize)
  )
    fail(
      'shape',
      `layout.endOfRowToken ${endOfRowToken} is neither null nor an id below vocabSize`,
    );
}
