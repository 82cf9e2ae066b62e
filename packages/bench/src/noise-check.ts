/**
 * `pnpm bench:noise`: do the benchmark's ratios survive a noisy machine? Runs `pnpm bench`
 * (quick by default) twice in a row, once on the machine as it is and once beside a CPU hog
 * (a busy loop pinned to one core with `taskset` where there is one), and compares every
 * method's wall-clock speed-up over vanilla AR between the two runs. Because the benchmark
 * interleaves its methods in rounds and takes ratios per round, a steady load slows AR and
 * SJD alike and the speed-ups should agree; the check is |hog / idle − 1| ≤ 15 % for every
 * method, in wall-clock and in CPU time. The benchmark times its methods in one process by
 * default (`--isolate`: one process each, whose per-process offsets of up to 20 % this check
 * exposed). onnxruntime runs one thread per process here by default: with two threads every
 * operator of a wide SJD pass waits for the thread on the hogged core, which changes the
 * speed-up itself, not just its noise. Writes bench/results/noise.json.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';

interface BenchRow {
  readonly label: string;
  readonly speedup: number;
  readonly speedupP25: number;
  readonly speedupP75: number;
  readonly stepCompression: number;
  readonly msPerImage: number;
  readonly cfgScale: number | null;
  readonly cpuSpeedup?: number;
  readonly cpuSpeedupP25?: number;
  readonly cpuSpeedupP75?: number;
}

const options = new Command('bench:noise')
  .option('--full', 'compare two full benchmark runs instead of two quick ones')
  .option('--model <dir>', 'model folder (default: the shipped model)')
  .option('--tolerance <fraction>', 'largest allowed |hog / idle − 1| of a speed-up', '0.15')
  .option('--rounds <n>', 'rounds per run (passed to the benchmark)', '60')
  .option('--seeds <n>', 'seeds per round (passed to the benchmark)', '1')
  .option(
    '--threads <n>',
    "onnxruntime threads per benchmark process (passed on; 0: onnxruntime's choice, every core)",
    '1',
  )
  .option('--isolate', 'time each method in its own process (passed on), the old layout')
  .option(
    '--out <dir>',
    'results folder',
    fileURLToPath(new URL('../../../bench/results/', import.meta.url)),
  )
  .parse()
  .opts<{
    full?: boolean;
    model?: string;
    tolerance: string;
    rounds: string;
    seeds: string;
    threads: string;
    isolate?: boolean;
    out: string;
  }>();

const tolerance = Number(options.tolerance);
if (!(tolerance > 0 && tolerance < 1)) {
  throw new RangeError(`--tolerance must be a fraction in (0, 1), got ${options.tolerance}`);
}
const benchMain = fileURLToPath(new URL('./main.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'sjd-bench-noise-'));

/** Runs the benchmark into its own folder and returns its rows and the load average seen. */
async function runBench(name: string): Promise<{ rows: BenchRow[]; loadAverage: number }> {
  const out = join(scratch, name);
  const args = [benchMain, '--out', `${out}/`];
  if (!options.full) args.push('--quick');
  if (options.model !== undefined) args.push('--model', options.model);
  args.push('--rounds', options.rounds, '--seeds', options.seeds);
  if (Number(options.threads) > 0) args.push('--threads', options.threads);
  if (options.isolate) args.push('--isolate');
  process.stderr.write(`bench:noise: ${name} run\n`);
  const before = loadavg()[0]!;
  const code = await new Promise<number | null>((resolve) => {
    spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] }).on('exit', resolve);
  });
  if (code !== 0) throw new Error(`the ${name} benchmark run exited with ${code}`);
  const rows = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as BenchRow[];
  return {
    rows: rows.filter((r) => r.cfgScale === null),
    loadAverage: (before + loadavg()[0]!) / 2,
  };
}

/** A busy loop on one core: `taskset -c 0` where util-linux has it, else wherever it lands. */
function startHog(): ChildProcess {
  const loop = ['-e', 'for (;;) {}'];
  const pinned = spawnSync('taskset', ['--version']).status === 0;
  return pinned
    ? spawn('taskset', ['-c', '0', process.execPath, ...loop], { stdio: 'ignore' })
    : spawn(process.execPath, loop, { stdio: 'ignore' });
}

const idle = await runBench('idle');
const hog = startHog();
let loaded: Awaited<ReturnType<typeof runBench>>;
try {
  loaded = await runBench('hog');
} finally {
  hog.kill('SIGKILL');
}

const comparison = idle.rows.map((row) => {
  const other = loaded.rows.find((r) => r.label === row.label);
  if (other === undefined) throw new Error(`the hog run has no row ${row.label}`);
  return {
    label: row.label,
    idleSpeedup: row.speedup,
    idleIqr: [row.speedupP25, row.speedupP75],
    hogSpeedup: other.speedup,
    hogIqr: [other.speedupP25, other.speedupP75],
    ratio: other.speedup / row.speedup,
    idleMsPerImage: row.msPerImage,
    hogMsPerImage: other.msPerImage,
    idleCpuSpeedup: row.cpuSpeedup ?? null,
    hogCpuSpeedup: other.cpuSpeedup ?? null,
    cpuRatio:
      row.cpuSpeedup !== undefined && other.cpuSpeedup !== undefined
        ? other.cpuSpeedup / row.cpuSpeedup
        : null,
  };
});
const worstOf = (ratio: (c: (typeof comparison)[number]) => number) =>
  comparison.reduce((a, b) => (Math.abs(ratio(b) - 1) > Math.abs(ratio(a) - 1) ? b : a));
const worst = worstOf((c) => c.ratio);
const met = comparison.every((c) => Math.abs(c.ratio - 1) <= tolerance);
const cpuMeasured = comparison.every((c) => c.cpuRatio !== null);
const cpuWorst = worstOf((c) => c.cpuRatio ?? 1);
const cpuMet = cpuMeasured && comparison.every((c) => Math.abs(c.cpuRatio! - 1) <= tolerance);
const iqr = (x: number, q: readonly number[]) =>
  `${x.toFixed(2)}× (${q.map((v) => v.toFixed(2)).join('–')})`;

console.table(
  comparison.map((c) => ({
    method: c.label,
    'idle speed-up (IQR)': iqr(c.idleSpeedup, c.idleIqr),
    'hog speed-up (IQR)': iqr(c.hogSpeedup, c.hogIqr),
    'hog / idle': c.ratio.toFixed(3),
    'CPU-time speed-up idle → hog': cpuMeasured
      ? `${c.idleCpuSpeedup!.toFixed(2)}× → ${c.hogCpuSpeedup!.toFixed(2)}× (${c.cpuRatio!.toFixed(3)})`
      : 'n/a',
    'ms/img idle → hog': `${c.idleMsPerImage.toFixed(0)} → ${c.hogMsPerImage.toFixed(0)}`,
  })),
);
const loads = `load average ${idle.loadAverage.toFixed(2)} idle, ${loaded.loadAverage.toFixed(2)} beside the hog`;
console.log(
  `${met ? 'MET ' : 'MISS'}  every method's wall-clock speed-up within ${(tolerance * 100).toFixed(0)}% between the idle and the CPU-hog run: worst ${worst.label} ${((worst.ratio - 1) * 100).toFixed(1)}% (${loads})`,
);
if (cpuMeasured) {
  console.log(
    `${cpuMet ? 'MET ' : 'MISS'}  every method's CPU-time speed-up within ${(tolerance * 100).toFixed(0)}%: worst ${cpuWorst.label} ${((cpuWorst.cpuRatio! - 1) * 100).toFixed(1)}%`,
  );
}
mkdirSync(options.out, { recursive: true });
const file = join(options.out, 'noise.json');
writeFileSync(
  file,
  `${JSON.stringify(
    {
      run: options.full ? 'full' : 'quick',
      model: options.model ?? 'shipped',
      rounds: Number(options.rounds),
      seeds: Number(options.seeds),
      threads: Number(options.threads) > 0 ? Number(options.threads) : 'onnxruntime default',
      timing: options.isolate ? 'a process per method' : 'methods in one process',
      tolerance,
      met,
      cpuMet: cpuMeasured ? cpuMet : null,
      loadAverage: { idle: idle.loadAverage, hog: loaded.loadAverage },
      comparison,
    },
    null,
    2,
  )}\n`,
);
console.log(`wrote ${file}`);
