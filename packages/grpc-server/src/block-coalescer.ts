import type { GenerateResponse, TokenBlock } from './generated/sjd/v1/sjd.js';

/**
 * Holds `token_block` responses so that at most one goes out per `intervalMs` (the
 * request's `block_interval_ms`): the blocks held meanwhile leave as one (their tokens
 * concatenated, the last step, the drafts accepted summed). The first block goes out at
 * once; held blocks leave before any other message (preview, image, summary), so the
 * stream's order is kept. Each message costs the server and the client a socket write and
 * a wakeup: at one message per decoding step, most of the server's overhead over
 * in-process generation (docs/grpc.md).
 */
export class BlockCoalescer {
  private held: TokenBlock | undefined;
  private lastSent = Number.NEGATIVE_INFINITY;

  constructor(private readonly intervalMs: number) {}

  /** The responses to send now, in order, for `responses` produced at `now` (ms). */
  pass(responses: readonly GenerateResponse[], now: number): GenerateResponse[] {
    if (this.intervalMs <= 0) return [...responses];
    const out: GenerateResponse[] = [];
    for (const response of responses) {
      if (response.event?.$case !== 'tokenBlock') {
        this.flushInto(out, now);
        out.push(response);
        continue;
      }
      const block = response.event.value;
      if (this.held && this.held.image !== block.image) this.flushInto(out, now);
      this.held = this.held ? merge(this.held, block) : block;
      if (now - this.lastSent >= this.intervalMs) this.flushInto(out, now);
    }
    return out;
  }

  private flushInto(out: GenerateResponse[], now: number): void {
    if (!this.held) return;
    out.push({ event: { $case: 'tokenBlock', value: this.held } });
    this.held = undefined;
    this.lastSent = now;
  }
}

function merge(a: TokenBlock, b: TokenBlock): TokenBlock {
  return {
    image: a.image,
    step: b.step,
    start: a.start,
    tokens: [...a.tokens, ...b.tokens],
    acceptedDrafts: a.acceptedDrafts + b.acceptedDrafts,
  };
}
