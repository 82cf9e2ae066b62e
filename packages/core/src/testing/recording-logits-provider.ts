import type { ImageLayout } from '../provider/image-layout.js';
import type {
  LogitsProvider,
  LogitsSession,
  OpenSessionOptions,
} from '../provider/logits-provider.js';

/** One call a decoder made on a provider or its sessions. */
export type RecordedCall =
  | { readonly kind: 'open'; readonly prefixes: readonly number[][] }
  | { readonly kind: 'evaluate'; readonly blocks: readonly number[][] }
  | { readonly kind: 'truncate'; readonly length: number }
  | { readonly kind: 'adopt'; readonly source: readonly number[]; readonly count: number }
  | { readonly kind: 'dispose' };

/**
 * Wraps a provider and records every call, for unit tests of decoders and of code built
 * on them. `failOn` makes the n-th evaluate throw, to test error propagation.
 */
export class RecordingLogitsProvider implements LogitsProvider {
  readonly specificationVersion = 'v1' as const;
  readonly providerId: string;
  readonly vocabSize: number;
  readonly layout: ImageLayout;
  readonly calls: RecordedCall[] = [];
  openSessions = 0;
  private evaluations = 0;

  constructor(
    private readonly inner: LogitsProvider,
    private readonly options: { failOnEvaluate?: number; error?: Error } = {},
  ) {
    this.providerId = `recording(${inner.providerId})`;
    this.vocabSize = inner.vocabSize;
    this.layout = inner.layout;
  }

  async openSession(options: OpenSessionOptions): Promise<LogitsSession> {
    this.calls.push({ kind: 'open', prefixes: options.prefixes.map((p) => [...p]) });
    const session = await this.inner.openSession(options);
    this.openSessions++;
    const calls = this.calls;
    const self = this;
    return {
      get rows() {
        return session.rows;
      },
      get length() {
        return session.length;
      },
      async evaluate(blocks, evaluateOptions) {
        calls.push({ kind: 'evaluate', blocks: blocks.map((b) => [...b]) });
        self.evaluations++;
        if (self.options.failOnEvaluate === self.evaluations) {
          throw self.options.error ?? new Error('RecordingLogitsProvider: injected failure');
        }
        return session.evaluate(blocks, evaluateOptions);
      },
      async truncate(length) {
        calls.push({ kind: 'truncate', length });
        return session.truncate(length);
      },
      ...(session.adoptRows
        ? {
            async adoptRows(source: readonly number[], count: number) {
              calls.push({ kind: 'adopt', source: [...source], count });
              return session.adoptRows!(source, count);
            },
          }
        : {}),
      async dispose() {
        calls.push({ kind: 'dispose' });
        self.openSessions--;
        return session.dispose();
      },
    };
  }
}
