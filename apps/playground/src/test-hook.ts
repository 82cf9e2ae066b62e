import type { ExecutionProviderReport } from '@sjd/backend-web';
import type { HeadlessRequest, HeadlessResult, Playground } from './playground.js';

/**
 * What the browser tests and the benchmark call in the page (`window.sjdPlayground`, only
 * with `?test` in the URL). Plain data in and out, so it crosses `page.evaluate`.
 */
export interface PlaygroundTestHook {
  /** Waits for the model; resolves with the execution provider report or rejects with the load error's message. */
  ready(): Promise<ExecutionProviderReport>;
  /** The execution provider report, or `null` before a model is loaded. */
  report(): ExecutionProviderReport | null;
  /** Generates without drawing. */
  generate(request: HeadlessRequest): Promise<HeadlessResult>;
  /** One forward pass over `block` after the caption's prompt: logits per position. */
  logits(caption: string, block: readonly number[]): Promise<number[][]>;
}

declare global {
  interface Window {
    sjdPlayground?: PlaygroundTestHook;
  }
}

/** Exposes {@link PlaygroundTestHook} on `window`. */
export function installTestHook(window: Window, playground: Playground): void {
  window.sjdPlayground = {
    ready: async () => {
      await playground.ready();
      return playground.report()!;
    },
    report: () => playground.report(),
    generate: (request) => playground.generateHeadless(request),
    logits: (caption, block) => playground.logits(caption, block),
  };
}
