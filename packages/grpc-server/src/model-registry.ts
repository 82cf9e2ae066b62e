import { status } from '@grpc/grpc-js';
import type { ModelInfo } from './generated/sjd/v1/sjd.js';
import type { ImageModel } from './image-model.js';
import { RpcError } from './rpc-error.js';

/**
 * The models a server runs, by name; the first one is the default. Empty until
 * they are loaded: until then every lookup is UNAVAILABLE.
 */
export class ModelRegistry {
  private readonly byName = new Map<string, ImageModel>();
  private defaultName: string | undefined;

  /** Whether the models are loaded. */
  get ready(): boolean {
    return this.defaultName !== undefined;
  }

  /** Registers the loaded models; names must be unique. */
  register(models: readonly ImageModel[]): void {
    if (models.length === 0) throw new Error('A server needs at least one model.');
    for (const model of models) {
      if (this.byName.has(model.name)) {
        throw new Error(
          `Two models are named ${JSON.stringify(model.name)}; model names must be unique.`,
        );
      }
      this.byName.set(model.name, model);
    }
    this.defaultName = models[0]!.name;
  }

  /** The model a request names (empty: the default); UNAVAILABLE while loading, NOT_FOUND if unknown. */
  resolve(name: string): ImageModel {
    if (this.defaultName === undefined) {
      throw new RpcError({
        code: status.UNAVAILABLE,
        message: 'The model is still loading; retry in a moment.',
      });
    }
    const model = this.byName.get(name === '' ? this.defaultName : name);
    if (!model) {
      throw new RpcError({
        code: status.NOT_FOUND,
        message: `Unknown model ${JSON.stringify(name)}; this server has: ${[...this.byName.keys()].join(', ')}.`,
        field: 'model',
        allowed: [...this.byName.keys()].join(' | '),
      });
    }
    return model;
  }

  /** Every model, the default first. */
  all(): readonly ImageModel[] {
    return [...this.byName.values()];
  }

  /** The `ListModels` answer. */
  describe(): { models: ModelInfo[]; defaultModel: string } {
    const models = this.all().map((m) => ({
      name: m.name,
      description: m.description,
      gridWidth: m.layout.gridWidth,
      gridHeight: m.layout.gridHeight,
      pixelWidth: m.pixelWidth,
      pixelHeight: m.pixelHeight,
      vocabularySize: m.vocabSize,
      // An open-vocabulary tokenizer has no word list: empty, and 0 for no fixed limit.
      words: [...(m.promptVocabulary?.words ?? [])],
      maxCaptionWords: m.promptVocabulary?.maxWords ?? 0,
      recommendedSampling: { ...m.recommendedSampling },
    }));
    return { models, defaultModel: this.defaultName ?? '' };
  }
}
