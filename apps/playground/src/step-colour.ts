/**
 * The colour of the token-map cells committed in step `step`: hues a golden angle apart, so
 * consecutive steps never look alike and a block accepted in one step reads as one patch;
 * lightness alternates to separate steps whose hues come round again.
 */
export function stepColour(step: number): string {
  const hue = Math.round((step * 137.508) % 360);
  const lightness = step % 2 === 0 ? 52 : 66;
  return `hsl(${hue} 70% ${lightness}%)`;
}

/** Colour of a cell no step has committed yet. */
export const UNDECIDED_COLOUR = '#d4d4d8';
