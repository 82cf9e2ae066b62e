/**
 * What the server needs of a model: a `LogitsProvider` of any family that also builds its
 * prompts and decodes image codes to pixels — `@sjd/backend-node`'s `ImageModel`, which
 * `loadModel()` returns for every family it loads.
 */
export type { ImageModel } from '@sjd/backend-node';
