/**
 * `pnpm bench:noise`: do the benchmark's ratios survive a noisy machine? Runs `pnpm bench`
 * (quick by default) twice in a row, once on the machine as it is and once beside a CPU hog
 * (a busy loop pinned to one core with `taskset` where there is one), and compares every
 * method's wall-clock speed-up over vanilla AR between the two runs. Because the benchmark
 * interleaves its methods in rounds and takes ratios per round, a steady load slows AR and
 * SJD alike and the speed-ups should agree; the check is |hog / idle − 1| ≤ 15 % for every
 * method. Writes bench/results/noise.json.
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
}

const options = new Command('bench:noise')
  .option('--full', 'compare two full benchmark runs instead of two quick ones')
  .option('--model <dir>', 'model folder (default: the shipped model)')
  .option('--tolerance <fraction>', 'largest allowed |hog / idle − 1| of a speed-up', '0.15')
  .option(
    '--out <dir>',
    'results folder',
    fileURLToPath(new URL('../../../bench/results/', import.meta.url)),
  )
  .parse()
  .opts<{ full?: boolean; model?: string; tolerance: string; out: string }>();

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
  };
});
const worst = comparison.reduce((a, b) => (Math.abs(b.ratio - 1) > Math.abs(a.ratio - 1) ? b : a));
const met = comparison.every((c) => Math.abs(c.ratio - 1) <= tolerance);

console.table(
  comparison.map((c) => ({
    method: c.label,
    'idle speed-up (IQR)': `${c.idleSpeedup.toFixed(2)}× (${c.idleIqr.map((x) => x.toFixed(2)).join('–')})`,
    'hog speed-up (IQR)': `${c.hogSpeedup.toFixed(2)}× (${c.hogIqr.map((x) => x.toFixed(2)).join('–')})`,
    'hog / idle': c.ratio.toFixed(3),
    'ms/img idle → hog': `${c.idleMsPerImage.toFixed(0)} → ${c.hogMsPerImage.toFixed(0)}`,
  })),
);
console.log(
  `${met ? 'MET ' : 'MISS'}  every method's speed-up within ${(tolerance * 100).toFixed(0)}% between the idle and the CPU-hog run: worst ${worst.label} ${((worst.ratio - 1) * 100).toFixed(1)}% (load average ${idle.loadAverage.toFixed(2)} idle, ${loaded.loadAverage.toFixed(2)} beside the hog)`,
);
mkdirSync(options.out, { recursive: true });
const file = join(options.out, 'noise.json');
writeFileSync(
  file,
  `${JSON.stringify(
    {
      run: options.full ? 'full' : 'quick',
      model: options.model ?? 'shipped',
      tolerance,
      met,
      loadAverage: { idle: idle.loadAverage, hog: loaded.loadAverage },
      comparison,
    },
    null,
    2,
  )}\n`,
);
console.log(`wrote ${file}`);
