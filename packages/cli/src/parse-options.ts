import { InvalidArgumentError } from 'commander';

/** Commander parser for a number flag: rejects text that is not a number at all. */
export function numberOption(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || Number.isNaN(n))
    throw new InvalidArgumentError(`expected a number, got ${JSON.stringify(value)}`);
  return n;
}

/** Commander parser for an integer flag. */
export function integerOption(value: string): number {
  const n = numberOption(value);
  if (!Number.isInteger(n))
    throw new InvalidArgumentError(`expected an integer, got ${JSON.stringify(value)}`);
  return n;
}

/** The command-line flag for a field that `@sjd/core` validation names. */
export function flagForField(field: string): string {
  const flags: Record<string, string> = {
    'sampling.temperature': '--temperature',
    'sampling.topK': '--top-k',
    'sampling.topP': '--top-p',
    'sampling.cfgScale': '--cfg',
    'decoding.method': '--method',
    'decoding.window': '--window',
    'decoding.init': '--init',
    'decoding.redraft': '--redraft',
    'decoding.maxWindow': '--max-window',
    'decoding.branches': '--branches',
    seed: '--seed',
    images: '--images',
    scale: '--scale',
    out: '--out',
    prompt: '<prompt>',
    executionProvider: '--execution-provider',
    dtype: '--dtype',
    costProfile: '--cost-profile',
    host: '--host',
    port: '--port',
    'tls-cert': '--tls-cert',
    'tls-key': '--tls-key',
    'tls-ca': '--tls-ca',
    'token-file': '--token-file',
  };
  // `costProfile[2]` names a point of the profile given with `--cost-profile`.
  const base = field.replace(/\[\d+\]$/, '');
  return flags[field] ?? flags[base] ?? field;
}

/** Commander parser for `--window`: an integer, or `auto`. */
export function windowOption(value: string): number | 'auto' {
  return value === 'auto' ? 'auto' : integerOption(value);
}
