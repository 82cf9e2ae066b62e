import {
  type DecodingStatistics,
  type ExecutionProviderChoice,
  type ExecutionProviderReport,
  type GenerateOptions,
  loadWebModel,
  type WebImageModel,
} from '@sjd/backend-web';
import { describeBackend } from './describe-backend.js';
import { describeError } from './describe-error.js';
import { ErrorPanel } from './error-panel.js';
import { GenerationDriver } from './generation-driver.js';
import { LaneRunner, yieldToBrowser } from './lane-runner.js';
import { LaneView } from './lane-view.js';
import type { PageOptions } from './page-options.js';
import { type PlaygroundSettings, SettingsForm, SettingsProblem } from './settings-form.js';

/** A generation run without drawing (the test hook and the benchmark). */
export interface HeadlessRequest extends Partial<Omit<PlaygroundSettings, 'caption'>> {
  readonly caption: string;
  /** Stop after this many steps (a slow backend in a test). */
  readonly maxSteps?: number;
}

/** What a headless generation returns. */
export interface HeadlessResult {
  readonly seed: number | null;
  readonly tokens: number[];
  readonly codes: number[];
  readonly steps: number;
  readonly committed: number;
  /** Milliseconds inside the generator (the busy clock). */
  readonly busyMs: number;
  readonly statistics: DecodingStatistics | null;
}

/**
 * The page: loads the model (reporting where it runs), reads the settings, runs one
 * generation or a vanilla-vs-SJD race, and shows errors in the page. One instance per page;
 * all state lives here.
 */
export class Playground {
  private provider: WebImageModel | null = null;
  private loading: Promise<WebImageModel> | null = null;
  private controller: AbortController | null = null;
  /** Vanilla's measured cost per token on the current backend, by whether CFG is on. */
  private readonly vanillaMsPerToken = new Map<boolean, number>();
  private readonly form: SettingsForm;
  private readonly errors: ErrorPanel;
  private readonly status: HTMLElement;
  private readonly lanes: HTMLElement;
  private readonly raceResult: HTMLElement;
  private readonly warnings: HTMLElement;

  constructor(
    private readonly document: Document,
    private readonly options: PageOptions,
    private readonly examples: readonly string[],
  ) {
    this.form = new SettingsForm(document);
    this.errors = new ErrorPanel(document.getElementById('error-panel')!);
    this.status = document.getElementById('backend-status')!;
    this.lanes = document.getElementById('lanes')!;
    this.raceResult = document.getElementById('race-result')!;
    this.warnings = document.getElementById('warnings')!;
    this.form.backend = options.backend;
    this.form.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.generate();
    });
    document.getElementById('race')!.addEventListener('click', () => void this.race());
    document.getElementById('stop')!.addEventListener('click', () => this.stop());
    document.getElementById('reset-defaults')!.addEventListener('click', () => {
      if (this.provider) this.form.applyDefaults(this.provider.recommendedSampling);
    });
    document
      .getElementById('backend')!
      .addEventListener('change', () => void this.load(this.form.backend));
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && this.controller) this.stop();
    });
  }

  /** The model, once loaded. */
  get model(): WebImageModel | null {
    return this.provider;
  }

  /** Resolves with the model when the current load is done; rejects with its error. */
  ready(): Promise<WebImageModel> {
    return this.loading ?? Promise.reject(new Error('no model load started'));
  }

  /**
   * Loads the model on the chosen execution provider. When the insisted provider cannot run,
   * shows why and loads again on `auto`, so the page stays usable.
   */
  load(choice: ExecutionProviderChoice): Promise<WebImageModel> {
    this.loading = this.loadModel(choice);
    this.loading.catch(() => {});
    return this.loading;
  }

  private async loadModel(choice: ExecutionProviderChoice): Promise<WebImageModel> {
    this.form.setRunning(false, false);
    const previous = this.provider;
    this.provider = null;
    this.vanillaMsPerToken.clear();
    await previous?.release();
    this.status.dataset['state'] = 'loading';
    this.status.textContent = `Loading the model (${choice === 'auto' ? 'automatic backend' : choice})…`;
    const base = this.document.baseURI;
    try {
      let provider: WebImageModel;
      try {
        provider = await loadWebModel({
          modelUrl: new URL('model/', base),
          wasmPaths: new URL('ort/', base).href,
          executionProvider: choice,
          ...(this.options.threads ? { threads: this.options.threads } : {}),
          verifyWebGpu: this.options.verifyWebGpu,
          onProgress: (p) => {
            if (p.file === 'decoder' && p.total) {
              this.status.textContent = `Loading the model… ${(p.loaded / 1e6).toFixed(1)} of ${(p.total / 1e6).toFixed(1)} MB`;
            }
          },
        });
        this.errors.clear();
      } catch (error) {
        if (choice === 'auto') throw error;
        this.errors.show(describeError(error));
        this.form.backend = 'auto';
        provider = await loadWebModel({
          modelUrl: new URL('model/', base),
          wasmPaths: new URL('ort/', base).href,
          executionProvider: 'auto',
          ...(this.options.threads ? { threads: this.options.threads } : {}),
          verifyWebGpu: this.options.verifyWebGpu,
        });
      }
      this.provider = provider;
      const report = provider.executionProviderReport;
      this.status.textContent = describeBackend(provider.name, report);
      this.status.dataset['state'] = 'ready';
      this.status.dataset['executionProvider'] = report.active;
      this.form.applyDefaults(provider.recommendedSampling);
      this.form.setExamples(this.examplesFor(provider));
      this.form.setRunning(false, true);
      return provider;
    } catch (error) {
      this.status.textContent = 'No model loaded.';
      this.status.dataset['state'] = 'failed';
      this.errors.show(describeError(error));
      throw error;
    }
  }

  /** Runs one generation with the form's settings, drawing it as it goes. */
  async generate(): Promise<void> {
    const settings = this.readSettings();
    const provider = this.provider;
    if (!settings || !provider) return;
    const seed = settings.seed ?? randomSeed();
    const view = new LaneView(this.document, 'lane-single', methodTitle(settings.method));
    this.lanes.replaceChildren(view.root);
    this.raceResult.textContent = '';
    const cfg = settings.cfgScale !== 1;
    await this.running(
      async (signal) => {
        const runner = new LaneRunner(
          this.driver(provider, settings, seed, signal),
          view,
          provider,
          () => (settings.method === 'ar' ? null : (this.vanillaMsPerToken.get(cfg) ?? null)),
          settings.method === 'ar' ? '1.00× (this is vanilla)' : '– (run vanilla or a race first)',
        );
        const lanes = [runner];
        await runLanes(lanes, () => {});
        if (settings.method === 'ar' && runner.msPerToken)
          this.vanillaMsPerToken.set(cfg, runner.msPerToken);
        this.finish(runner, seed);
      },
      [view],
      settings,
    );
  }

  /** Runs vanilla and SJD on the same prompt and seed, side by side, each on its own busy clock. */
  async race(): Promise<void> {
    const settings = this.readSettings();
    const provider = this.provider;
    if (!settings || !provider) return;
    const seed = settings.seed ?? randomSeed();
    const vanillaView = new LaneView(this.document, 'lane-vanilla', 'Vanilla');
    const sjdView = new LaneView(
      this.document,
      'lane-sjd',
      `SJD (window ${settings.window}, ${settings.init})`,
    );
    this.lanes.replaceChildren(vanillaView.root, sjdView.root);
    this.raceResult.textContent = '';
    const cfg = settings.cfgScale !== 1;
    await this.running(
      async (signal) => {
        const vanilla = new LaneRunner(
          this.driver(provider, { ...settings, method: 'ar' }, seed, signal),
          vanillaView,
          provider,
          () => null,
          '1.00× (the baseline)',
        );
        const sjd = new LaneRunner(
          this.driver(provider, { ...settings, method: 'sjd' }, seed, signal),
          sjdView,
          provider,
          () => vanilla.msPerToken,
        );
        await runLanes([vanilla, sjd], (runner) => {
          if (runner === vanilla) sjd.showFigures();
        });
        if (vanilla.msPerToken) this.vanillaMsPerToken.set(cfg, vanilla.msPerToken);
        this.finish(vanilla, seed);
        this.finish(sjd, seed);
        const speedup = vanilla.driver.busyMs / sjd.driver.busyMs;
        const compression = sjd.driver.tokens / sjd.driver.steps;
        this.raceResult.textContent = `SJD finished ${speedup.toFixed(2)}× faster than vanilla: ${sjd.driver.steps} steps instead of ${vanilla.driver.steps} (step compression ${compression.toFixed(2)}×), seed ${seed}.`;
        this.raceResult.dataset['speedup'] = speedup.toFixed(3);
      },
      [vanillaView, sjdView],
      settings,
    );
  }

  /** Stops the running generation. */
  stop(): void {
    this.controller?.abort();
  }

  /** Runs a generation without drawing, for the test hook and the benchmark. */
  async generateHeadless(request: HeadlessRequest): Promise<HeadlessResult> {
    const provider = await this.ready();
    const sampling = provider.recommendedSampling;
    const settings: PlaygroundSettings = {
      method: 'sjd',
      window: 16,
      init: 'vertical',
      redraft: 'independent',
      seed: 0,
      temperature: sampling.temperature,
      topK: sampling.topK,
      topP: sampling.topP,
      cfgScale: sampling.cfgScale,
      ...request,
    };
    if (settings.window === 'auto' && !provider.calibrated) await provider.calibrate?.();
    const controller = new AbortController();
    const driver = this.driver(
      provider,
      settings,
      settings.seed ?? randomSeed(),
      controller.signal,
    );
    try {
      while (await driver.advance()) {
        if (request.maxSteps !== undefined && driver.steps >= request.maxSteps) break;
      }
    } finally {
      if (!driver.done) await driver.cancel();
    }
    return {
      seed: driver.seed,
      tokens: Array.from(driver.sequence.subarray(0, driver.tokens)),
      codes: Array.from(driver.codes()),
      steps: driver.steps,
      committed: driver.tokens,
      busyMs: driver.busyMs,
      statistics: driver.statistics,
    };
  }

  /**
   * One forward pass for backend comparisons: the conditional prompt of `caption`, then
   * `block` (image-token ids) after its last token; the logits of every position of the block
   * (the prompt's last token first), one array of `vocabSize` numbers each.
   */
  async logits(caption: string, block: readonly number[]): Promise<number[][]> {
    const provider = await this.ready();
    const prompt = provider.encodePrompt(provider.prepareCaption(caption)).conditional;
    const session = await provider.openSession({ prefixes: [prompt.subarray(0, -1)] });
    try {
      const input = Int32Array.from([prompt[prompt.length - 1]!, ...block]);
      const [logits] = await session.evaluate([input]);
      const size = provider.vocabSize;
      return Array.from({ length: input.length }, (_, i) =>
        Array.from(logits!.subarray(i * size, (i + 1) * size)),
      );
    } finally {
      await session.dispose();
    }
  }

  /** The backend's report, once a model is loaded. */
  report(): ExecutionProviderReport | null {
    return this.provider?.executionProviderReport ?? null;
  }

  private driver(
    provider: WebImageModel,
    settings: PlaygroundSettings,
    seed: number,
    signal: AbortSignal,
  ): GenerationDriver {
    // The model's canonical form (a shapes model: shapes in reading order); any order the
    // user typed means the same.
    const prompt = provider.encodePrompt(provider.prepareCaption(settings.caption));
    const options: GenerateOptions = {
      provider,
      prompt: prompt.conditional,
      ...(settings.cfgScale !== 1 ? { unconditionalPrompt: prompt.unconditional } : {}),
      seed,
      sampling: {
        temperature: settings.temperature,
        topK: settings.topK,
        topP: settings.topP,
        cfgScale: settings.cfgScale,
      },
      decoding: {
        method: settings.method,
        window: settings.window,
        init: settings.init,
        redraft: settings.redraft,
      },
      signal,
    };
    return new GenerationDriver(provider.layout, options);
  }

  private readSettings(): PlaygroundSettings | null {
    try {
      const settings = this.form.read();
      if (this.provider) this.provider.encodePrompt(this.provider.prepareCaption(settings.caption));
      this.errors.clear();
      return settings;
    } catch (error) {
      if (error instanceof SettingsProblem) {
        this.errors.show({
          kind: 'invalid-setting',
          headline: 'Check the settings',
          detail: error.message,
          hint: null,
        });
        this.form.markProblem(error.control, 'error-detail');
      } else {
        this.errors.show(describeError(error));
        this.form.markProblem(this.form.promptInput, 'error-detail');
      }
      return null;
    }
  }

  private async running(
    body: (signal: AbortSignal) => Promise<void>,
    views: readonly LaneView[],
    settings: PlaygroundSettings,
  ): Promise<void> {
    const controller = new AbortController();
    this.controller = controller;
    this.form.setRunning(true, true);
    this.warnings.textContent = '';
    try {
      const provider = this.provider;
      if (settings.window === 'auto' && provider && !provider.calibrated) {
        for (const view of views)
          view.setStatus('Measuring this device’s step costs for the automatic window…', 'running');
        await provider.calibrate?.();
      }
      for (const view of views) view.setStatus('Decoding…', 'running');
      await body(controller.signal);
    } catch (error) {
      if (controller.signal.aborted) {
        for (const view of views) view.setStatus('Stopped.', 'stopped');
      } else {
        for (const view of views) view.setStatus('Failed.', 'failed');
        this.errors.show(describeError(error));
      }
    } finally {
      this.controller = null;
      this.form.setRunning(false, this.provider !== null);
    }
  }

  private finish(runner: LaneRunner, seed: number): void {
    const { driver } = runner;
    runner.view.setStatus(
      `Done: ${driver.tokens} tokens in ${driver.steps} steps, seed ${seed}.`,
      'done',
    );
    if (driver.warnings.length > 0) this.warnings.textContent = driver.warnings.join(' ');
  }

  private examplesFor(provider: WebImageModel): string[] {
    const known = provider.promptVocabulary?.words;
    if (!known) return [...this.examples];
    const words = new Set(known);
    return this.examples.filter((caption) =>
      caption.split(/\s+/).every((word) => words.has(word.toLowerCase())),
    );
  }
}

/**
 * Runs lanes to the end, always advancing the one that has spent the least time so far, as
 * if each ran on its own machine: the page shows them racing in their own time.
 */
async function runLanes(
  lanes: readonly LaneRunner[],
  afterStep: (runner: LaneRunner) => void,
): Promise<void> {
  let lastYield = performance.now();
  for (;;) {
    let next: LaneRunner | null = null;
    for (const lane of lanes) {
      if (!lane.driver.done && (!next || lane.driver.busyMs < next.driver.busyMs)) next = lane;
    }
    if (!next) return;
    await next.step();
    afterStep(next);
    if (performance.now() - lastYield > 16) {
      await yieldToBrowser();
      lastYield = performance.now();
    }
  }
}

function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}

function methodTitle(method: PlaygroundSettings['method']): string {
  return method === 'ar' ? 'Vanilla' : method === 'jacobi' ? 'Jacobi (greedy)' : 'SJD';
}
