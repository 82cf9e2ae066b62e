import {
  DEFAULT_DECODING,
  type DecodingMethod,
  DRAFT_INITS,
  type DraftInit,
  type ExecutionProviderChoice,
  REDRAFTS,
  type RecommendedSampling,
  type Redraft,
} from '@sjd/backend-web';

/** Everything the form sets for one generation. */
export interface PlaygroundSettings {
  readonly caption: string;
  readonly method: DecodingMethod;
  /** Drafts per step, or `auto` (SJD only). */
  readonly window: number | 'auto';
  readonly init: DraftInit;
  readonly redraft: Redraft;
  /** `null`: a random seed. */
  readonly seed: number | null;
  readonly temperature: number;
  readonly topK: number;
  readonly topP: number;
  readonly cfgScale: number;
}

const INIT_LABELS: Partial<Record<DraftInit, string>> = {
  random: 'Random (the paper’s default)',
  horizontal: 'Horizontal (copy left)',
  vertical: 'Vertical (copy above)',
  'above-distribution': 'Sample of the distribution above',
  'context-frequency': 'Most frequent after the same neighbours',
};

const REDRAFT_LABELS: Partial<Record<Redraft, string>> = {
  independent: 'Independent (the paper)',
  coupled: 'Coupled (MC-SJD)',
};

/** The default initialiser: the library's, as on every entry point. */
const DEFAULT_INIT: DraftInit = DEFAULT_DECODING.init;

/** A setting the form cannot use, with the control at fault. */
export class SettingsProblem extends Error {
  constructor(
    readonly control: HTMLInputElement | HTMLSelectElement,
    message: string,
  ) {
    super(message);
    this.name = 'SettingsProblem';
  }
}

/**
 * The settings form: fills its choices (initialisers from the core, example captions, the
 * manifest's recommended sampling) and reads it back as validated {@link PlaygroundSettings}.
 */
export class SettingsForm {
  readonly form: HTMLFormElement;

  constructor(private readonly document: Document) {
    this.form = this.byId<HTMLFormElement>('settings');
    const init = this.byId<HTMLSelectElement>('init');
    for (const value of DRAFT_INITS) {
      const option = document.createElement('option');
      option.value = value;
      option.textContent = INIT_LABELS[value] ?? value;
      init.append(option);
    }
    init.value = DRAFT_INITS.includes(DEFAULT_INIT) ? DEFAULT_INIT : DRAFT_INITS[0]!;
    const redraft = this.byId<HTMLSelectElement>('redraft');
    for (const value of REDRAFTS) {
      const option = document.createElement('option');
      option.value = value;
      option.textContent = REDRAFT_LABELS[value] ?? value;
      redraft.append(option);
    }
    this.byId<HTMLSelectElement>('examples').addEventListener('change', (event) => {
      const value = (event.target as HTMLSelectElement).value;
      if (value) this.input('prompt').value = value;
    });
    this.form.addEventListener('change', () => this.syncEnabled());
    this.syncEnabled();
  }

  /** Offers captions in the example list and the prompt's suggestions; the first becomes the prompt if it is empty. */
  setExamples(captions: readonly string[]): void {
    const list = this.byId<HTMLDataListElement>('example-captions');
    const select = this.byId<HTMLSelectElement>('examples');
    list.replaceChildren();
    select.replaceChildren(select.options[0]!);
    for (const caption of captions) {
      const suggestion = this.document.createElement('option');
      suggestion.value = caption;
      list.append(suggestion);
      const option = this.document.createElement('option');
      option.value = caption;
      option.textContent = caption;
      select.append(option);
    }
    if (!this.input('prompt').value && captions[0]) this.input('prompt').value = captions[0];
  }

  /** Sets the sampling fields to the model's recommendations. */
  applyDefaults(sampling: RecommendedSampling): void {
    this.input('temperature').value = String(sampling.temperature);
    this.input('topK').value = String(sampling.topK);
    this.input('topP').value = String(sampling.topP);
    this.input('cfgScale').value = String(sampling.cfgScale);
  }

  /** The execution provider the backend selector asks for. */
  get backend(): ExecutionProviderChoice {
    return this.byId<HTMLSelectElement>('backend').value as ExecutionProviderChoice;
  }

  set backend(value: ExecutionProviderChoice) {
    this.byId<HTMLSelectElement>('backend').value = value;
  }

  /** Reads and checks the form; throws {@link SettingsProblem} naming the control at fault. */
  read(): PlaygroundSettings {
    this.clearProblems();
    const caption = this.input('prompt').value.trim();
    if (!caption)
      throw new SettingsProblem(
        this.input('prompt'),
        'Write a prompt, or pick an example caption.',
      );
    const method = (this.form.elements.namedItem('method') as RadioNodeList)
      .value as DecodingMethod;
    const seedText = this.input('seed').value.trim();
    return {
      caption,
      method,
      window:
        method === 'sjd' && this.input('window-auto').checked
          ? 'auto'
          : this.number(
              'window',
              (v) => Number.isInteger(v) && v >= 1 && v <= 256,
              'a whole number from 1 to 256',
            ),
      init: this.byId<HTMLSelectElement>('init').value as DraftInit,
      redraft: this.byId<HTMLSelectElement>('redraft').value as Redraft,
      seed:
        seedText === ''
          ? null
          : this.number(
              'seed',
              (v) => Number.isSafeInteger(v) && v >= 0,
              'empty or a whole number ≥ 0',
            ),
      temperature: this.number('temperature', (v) => v >= 0, 'a number ≥ 0 (0 is greedy)'),
      topK: this.number(
        'topK',
        (v) => Number.isInteger(v) && v >= 0,
        'a whole number ≥ 0 (0 is off)',
      ),
      topP: this.number('topP', (v) => v > 0 && v <= 1, 'a number in (0, 1]'),
      cfgScale: this.number('cfgScale', (v) => Number.isFinite(v), 'a number (1 is no guidance)'),
    };
  }

  /** Marks a control invalid and points it at the message. */
  markProblem(control: HTMLInputElement | HTMLSelectElement, messageId: string): void {
    control.setAttribute('aria-invalid', 'true');
    const described = control.getAttribute('aria-describedby') ?? '';
    if (!described.split(' ').includes(messageId))
      control.setAttribute('aria-describedby', `${described} ${messageId}`.trim());
    control.focus();
  }

  /** The prompt box. */
  get promptInput(): HTMLInputElement {
    return this.input('prompt');
  }

  /** Disables the run buttons while a generation runs, and enables Stop. */
  setRunning(running: boolean, modelReady: boolean): void {
    this.byId<HTMLButtonElement>('generate').disabled = running || !modelReady;
    this.byId<HTMLButtonElement>('race').disabled = running || !modelReady;
    this.byId<HTMLButtonElement>('stop').disabled = !running;
    this.byId<HTMLSelectElement>('backend').disabled = running;
  }

  private clearProblems(): void {
    for (const control of this.form.querySelectorAll('[aria-invalid]'))
      control.removeAttribute('aria-invalid');
  }

  private syncEnabled(): void {
    const method = (this.form.elements.namedItem('method') as RadioNodeList).value;
    const auto = this.input('window-auto');
    auto.disabled = method !== 'sjd';
    this.input('window').disabled = method === 'ar' || (method === 'sjd' && auto.checked);
    this.byId<HTMLSelectElement>('init').disabled = method === 'ar';
    this.byId<HTMLSelectElement>('redraft').disabled = method !== 'sjd';
  }

  private number(id: string, valid: (value: number) => boolean, allowed: string): number {
    const control = this.input(id);
    const value = control.value.trim() === '' ? Number.NaN : Number(control.value);
    if (!Number.isFinite(value) || !valid(value)) {
      const label = this.document.querySelector(`label[for="${id}"]`)?.textContent ?? id;
      throw new SettingsProblem(control, `${label} must be ${allowed}.`);
    }
    return value;
  }

  private input(id: string): HTMLInputElement {
    return this.byId<HTMLInputElement>(id);
  }

  private byId<T extends HTMLElement>(id: string): T {
    const element = this.document.getElementById(id);
    if (!element) throw new Error(`the page has no #${id}`);
    return element as T;
  }
}
