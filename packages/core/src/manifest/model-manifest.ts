/**
 * The manifest of a model folder (`manifest.json`, format `sjd-model`, version 1): which
 * files hold the decoder and the image decoder, the vocabulary layout, the prompt
 * template, the image grid and recommended sampling settings. See
 * `docs/model-contract.md` for the full contract.
 */
export interface ModelManifest {
  readonly format: 'sjd-model';
  readonly formatVersion: 1;
  readonly name: string;
  readonly description: string;
  readonly files: { readonly decoder: string; readonly imageDecoder: string };
  readonly decoder: {
    readonly architecture: string;
    readonly numLayers: number;
    readonly numAttentionHeads: number;
    readonly numKeyValueHeads: number;
    readonly headDim: number;
    readonly hiddenSize: number;
    readonly maxPositions: number;
    readonly dtype: 'float32' | 'float16';
    readonly inputs: readonly string[];
    readonly outputs: readonly string[];
  };
  readonly vocabulary: {
    readonly size: number;
    readonly special: {
      readonly pad: number;
      readonly bos: number;
      readonly boi: number;
      readonly eoi: number;
    };
    readonly text: { readonly start: number; readonly count: number };
    readonly image: { readonly start: number; readonly count: number };
  };
  readonly textTokenizer: {
    readonly type: 'word-level';
    readonly lowercase: boolean;
    readonly words: readonly string[];
  };
  readonly prompt: {
    readonly template: readonly ('bos' | 'caption' | 'boi')[];
    readonly captionLength: number;
    readonly unconditional: 'pad-caption';
    /**
     * Optional: the caption's clauses (split at the word `joiner`) are put in the order
     * the model was trained on, by how each clause ends (`byEnding`, first first), before
     * encoding; see `prepareCaption`.
     */
    readonly clauseOrder?: { readonly joiner: string; readonly byEnding: readonly string[] };
  };
  readonly image: {
    readonly gridWidth: number;
    readonly gridHeight: number;
    readonly endOfRowToken: number | null;
    readonly endOfImageToken: number;
    readonly pixelWidth: number;
    readonly pixelHeight: number;
    readonly imageDecoder: {
      readonly input: string;
      readonly output: string;
      readonly layout: 'NHWC';
      readonly range: readonly [number, number];
    };
  };
  readonly sampling: {
    readonly temperature: number;
    readonly topK: number;
    readonly topP: number;
    readonly cfgScale: number;
  };
  readonly metrics?: Readonly<Record<string, number>>;
}
