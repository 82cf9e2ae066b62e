/** One model a server can run (from `listModels()`). */
export interface ModelInfo {
  readonly name: string;
  readonly description: string;
  readonly gridWidth: number;
  readonly gridHeight: number;
  readonly pixelWidth: number;
  readonly pixelHeight: number;
  readonly vocabularySize: number;
  /** Words a caption may use. */
  readonly words: readonly string[];
  readonly maxCaptionWords: number;
  /** The sampling settings used where a request leaves one unset. */
  readonly recommendedSampling: {
    readonly temperature: number;
    readonly topK: number;
    readonly topP: number;
    readonly cfgScale: number;
  };
}

/** The models of a server and its default. */
export interface ModelList {
  readonly models: readonly ModelInfo[];
  readonly defaultModel: string;
}
