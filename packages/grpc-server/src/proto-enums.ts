import {
  DEFAULT_DECODING,
  type DecodingMethod,
  type DraftInit,
  type Redraft,
} from '@sjd/backend-node';
import {
  DraftInit as ProtoInit,
  DecodingMethod as ProtoMethod,
  Redraft as ProtoRedraft,
} from './generated/sjd/v1/sjd.js';

/**
 * A proto enum and the core's names for its values; `UNSPECIFIED` (0) means the library's
 * default (`DEFAULT_DECODING` of @sjd/core), so every entry point defaults alike.
 */
export interface EnumMapping<T extends string> {
  /** The core value for a proto number, `undefined` for a number the contract does not define. */
  fromProto(value: number): T | undefined;
  /** The proto number for a core value (0 for a value the contract does not know yet). */
  toProto(value: T): number;
  /** The accepted proto names, for error messages. */
  readonly allowed: string;
}

function mapping<T extends string>(
  names: Record<number, string>,
  pairs: readonly [number, T][],
  fallback: T,
): EnumMapping<T> {
  const fromProto = new Map<number, T>([[0, fallback], ...pairs]);
  const toProto = new Map<T, number>(pairs.map(([n, v]) => [v, n]));
  return {
    fromProto: (value) => fromProto.get(value),
    toProto: (value) => toProto.get(value) ?? 0,
    allowed: pairs.map(([n]) => names[n]).join(' | '),
  };
}

export const METHOD = mapping<DecodingMethod>(
  ProtoMethod,
  [
    [ProtoMethod.DECODING_METHOD_AR, 'ar'],
    [ProtoMethod.DECODING_METHOD_JACOBI, 'jacobi'],
    [ProtoMethod.DECODING_METHOD_SJD, 'sjd'],
  ],
  DEFAULT_DECODING.method,
);

export const INIT = mapping<DraftInit>(
  ProtoInit,
  [
    [ProtoInit.DRAFT_INIT_RANDOM, 'random'],
    [ProtoInit.DRAFT_INIT_HORIZONTAL, 'horizontal'],
    [ProtoInit.DRAFT_INIT_VERTICAL, 'vertical'],
    [ProtoInit.DRAFT_INIT_ABOVE_DISTRIBUTION, 'above-distribution'],
    [ProtoInit.DRAFT_INIT_CONTEXT_FREQUENCY, 'context-frequency'],
  ],
  DEFAULT_DECODING.init,
);

export const REDRAFT = mapping<Redraft>(
  ProtoRedraft,
  [
    [ProtoRedraft.REDRAFT_INDEPENDENT, 'independent'],
    [ProtoRedraft.REDRAFT_COUPLED, 'coupled'],
  ],
  DEFAULT_DECODING.redraft,
);
