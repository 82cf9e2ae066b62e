import type { LogitsSession } from '@sjd/core';

/**
 * Counts the logits sessions a provider has open and not yet disposed (its
 * `activeSessions`, for leak checks): {@link track} wraps a session's `dispose` so that the
 * first call, and only that one, takes it off the count.
 */
export class OpenSessionCount {
  private open = 0;

  get active(): number {
    return this.open;
  }

  track<S extends LogitsSession>(session: S): S {
    this.open++;
    const dispose = session.dispose.bind(session);
    let disposed = false;
    session.dispose = async () => {
      if (!disposed) {
        disposed = true;
        this.open--;
      }
      await dispose();
    };
    return session;
  }
}
