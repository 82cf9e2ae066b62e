/** The `sjd` command's exit statuses. */
export const EXIT = {
  ok: 0,
  /** Anything unexpected. */
  failure: 1,
  /** A flag or argument is invalid (the message names it). */
  usage: 2,
  /** The model folder could not be loaded (the message names the file). */
  model: 3,
} as const;
