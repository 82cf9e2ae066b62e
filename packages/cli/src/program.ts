import { DEFAULT_DECODING, DRAFT_INITS, EXECUTION_PROVIDERS, REDRAFTS } from '@sjd/backend-node';
import {
  addServeOptions,
  parseDtypeFlag,
  type ServeFlags,
  serve,
  serveOptionsFrom,
} from '@sjd/grpc-server';
import { Command, Option } from 'commander';
import { type CalibrateFlags, runCalibrate } from './calibrate-command.js';
import { modelSearchPath, resolveModelDir } from './find-models.js';
import { type GenerateFlags, runGenerate } from './generate-command.js';
import { runModels } from './models-command.js';
import { integerOption, numberOption, windowOption } from './parse-options.js';

/** The `sjd` command line. Sub-commands register their actions here. */
export function createProgram(version: string): Command {
  const program = new Command('sjd')
    .description(
      'Speculative Jacobi Decoding: autoregressive text-to-image generation, several tokens per forward pass.',
    )
    .version(version, '-V, --version', 'print the version of sjd')
    .showHelpAfterError('(run sjd --help for usage)')
    // Throw instead of exiting, in every sub-command too (they inherit it when created).
    .exitOverride();

  program
    .command('generate')
    .description('generate image(s) for a caption and write PNG files')
    .argument('<prompt>', 'the caption, e.g. "a large red circle in the centre"')
    .addOption(
      new Option('--method <method>', 'decoder')
        .choices(['ar', 'jacobi', 'sjd'])
        .default(DEFAULT_DECODING.method),
    )
    .option(
      '--window <L>',
      "drafts verified per step (jacobi, sjd), or 'auto' (sjd: sized from cost and acceptance)",
      windowOption,
      DEFAULT_DECODING.window,
    )
    .addOption(
      new Option('--init <init>', 'how new drafts are guessed')
        .choices(DRAFT_INITS)
        .default(DEFAULT_DECODING.init),
    )
    .addOption(
      new Option('--redraft <how>', 'sjd: how drafts after a rejection are redrawn')
        .choices(REDRAFTS)
        .default(DEFAULT_DECODING.redraft),
    )
    .option(
      '--max-window <L>',
      'upper bound of --window auto',
      integerOption,
      DEFAULT_DECODING.maxWindow,
    )
    .option(
      '--branches <B>',
      'sjd: proactive branches per step, 0–15 (extra batch rows guessing another first token; lossless; cheap on a GPU, costly on a CPU)',
      integerOption,
      DEFAULT_DECODING.branches,
    )
    .option(
      '--cost-profile <file.json>',
      "--window auto: step costs saved by `sjd calibrate` (default: the core's fixed guess)",
    )
    .option(
      '--seed <n>',
      'random seed (default: a random one, printed in the summary)',
      integerOption,
    )
    .option(
      '--top-k <k>',
      "keep the k most likely tokens (0 = off; default: the model's recommendation)",
      integerOption,
    )
    .option(
      '--top-p <p>',
      "nucleus mass in (0, 1] (default: the model's recommendation)",
      numberOption,
    )
    .option(
      '--temperature <t>',
      "≥ 0, 0 = greedy (default: the model's recommendation)",
      numberOption,
    )
    .option(
      '--cfg <scale>',
      "classifier-free guidance scale, 1 = off (default: the model's recommendation)",
      numberOption,
    )
    .option('--images <n>', 'how many images', integerOption, 1)
    .option(
      '--out <file.png>',
      'output PNG (with several images, an index is added)',
      'sjd-output.png',
    )
    .option(
      '--scale <n>',
      'upscale the PNG by n whole pixels (4: 64 px → 256 px)',
      integerOption,
      1,
    )
    .addOption(modelOption())
    .addOption(executionProviderOption())
    .addOption(dtypeOption())
    .option('--no-progress', 'no progress bar on stderr')
    .option('--json', 'print the summary as one JSON object (statistics included)', false)
    .action((prompt: string, flags: GenerateFlags, command: Command) =>
      runGenerate(prompt, flags, typedFlags(command)),
    );

  program
    .command('calibrate')
    .description(
      'time the model by block length on this machine and save it, for generate --window auto --cost-profile',
    )
    .addOption(modelOption())
    .addOption(executionProviderOption())
    .addOption(dtypeOption())
    .option('--out <file.json>', 'write the profile here (default: print it)')
    .action((flags: CalibrateFlags) => runCalibrate(flags));

  program
    .command('models')
    .description('list the available model folders')
    .option(
      '--path <dirs>',
      'folders holding model folders, separated by ":" (also SJD_MODEL_PATH)',
      process.env['SJD_MODEL_PATH'] ?? '',
    )
    .option('--json', 'print the list as JSON (broken folders with their problem)', false)
    .action((flags: { path: string; json: boolean }) =>
      runModels(modelSearchPath(flags.path), flags.json),
    );

  const serveCommand = program
    .command('serve')
    .description('run the gRPC server until SIGTERM (see docs/grpc.md)');
  addServeOptions(serveCommand, {
    model:
      'model folder(s) or names `sjd models` lists; the first is the default (default: shipped)',
  }).action(async (flags: ServeFlags) =>
    serve(
      serveOptionsFrom({
        ...flags,
        ...(flags.model ? { model: await resolveModelDirs(flags.model) } : {}),
      }),
    ),
  );

  return program;
}

/** `--model`, as generate and calibrate take it. */
function modelOption(): Option {
  return new Option(
    '--model <dir|name>',
    'model folder (an sjd-model manifest.json, or another family the library loads), or a name `sjd models` lists (default: the shipped model)',
  );
}

/** `--dtype`, as generate and calibrate take it. */
function dtypeOption(): Option {
  return new Option(
    '--dtype <dtype>',
    "which weights where the folder has several: one for all (fp32, fp16, q4, q4f16 …) or per sub-model (language_model=q4,gen_head=fp16); default: the folder's choice; sjd-model folders: fp32",
  ).argParser(parseDtypeFlag);
}

/** `--execution-provider`, as generate and calibrate take it. */
function executionProviderOption(): Option {
  return new Option('--execution-provider <ep>', 'where the model runs')
    .choices(EXECUTION_PROVIDERS)
    .default('cpu');
}

/** The options the user typed on the command line (not defaults or environment). */
function typedFlags(command: Command): ReadonlySet<string> {
  return new Set(
    Object.keys(command.opts()).filter((key) => command.getOptionValueSource(key) === 'cli'),
  );
}

async function resolveModelDirs(models: readonly string[]): Promise<string[]> {
  const searchPath = modelSearchPath();
  const dirs: string[] = [];
  for (const model of models) dirs.push(await resolveModelDir(model, searchPath));
  return dirs;
}
