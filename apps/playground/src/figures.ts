/** What one lane has done so far. */
export interface LaneProgress {
  readonly steps: number;
  readonly tokens: number;
  readonly lastBlock: number;
  readonly busyMs: number;
}

/** The figures a lane shows, already formatted. */
export interface Figures {
  readonly steps: string;
  readonly tokens: string;
  readonly lastBlock: string;
  readonly stepCompression: string;
  readonly time: string;
  readonly speed: string;
  readonly speedup: string;
}

/**
 * Formats a lane's figures. `baselineMsPerToken` is vanilla decoding's cost per token on
 * the same backend (from a vanilla run or the race's vanilla lane), or `null` when none
 * was measured yet (the speed-up then reads `noBaseline`); speed-up compares this lane's
 * cost per token with it.
 */
export function formatFigures(
  progress: LaneProgress,
  baselineMsPerToken: number | null,
  noBaseline = '–',
): Figures {
  const { steps, tokens, lastBlock, busyMs } = progress;
  const msPerToken = tokens > 0 ? busyMs / tokens : null;
  return {
    steps: String(steps),
    tokens: String(tokens),
    lastBlock: steps > 0 ? String(lastBlock) : '–',
    stepCompression: steps > 0 ? `${(tokens / steps).toFixed(2)}×` : '–',
    time: busyMs >= 10_000 ? `${(busyMs / 1000).toFixed(1)} s` : `${Math.round(busyMs)} ms`,
    speed: msPerToken && busyMs > 0 ? `${Math.round((tokens * 1000) / busyMs)} tokens/s` : '–',
    speedup: !baselineMsPerToken
      ? noBaseline
      : msPerToken
        ? `${(baselineMsPerToken / msPerToken).toFixed(2)}×`
        : '–',
  };
}
