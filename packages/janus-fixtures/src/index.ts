import { fileURLToPath } from 'node:url';

/** The fixtures `build-fixtures.py` writes (committed under `fixtures/`). */
export type JanusFixture = 'janus-tiny' | 'janus-enum' | 'janus-renamed';

/**
 * Absolute path of a committed fixture folder: `janus-tiny` (16 image codes on a 4×4 grid)
 * `janus-enum` (3 codes on a 2×2 grid, 81 sequences, for exactness tests), or
 * `janus-renamed` (8 codes on a 3×3 grid; another export's naming: no `position_ids`,
 * hidden states named `last_hidden_state`).
 */
export function janusFixturePath(name: JanusFixture): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
}
