import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePrompt, parseModelManifest, prepareCaption } from '@sjd/core';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { describe, expect, it } from 'vitest';
import { describeShape, sceneToCaption } from './caption.js';
import { JOINER } from './grammar.js';
import { shippedModelDir } from './model-dir.js';
import { parseCaption } from './parse-caption.js';
import { sampleScene } from './sample-scene.js';

// The shipped model reads shapes in reading order of their cells. The runtime knows nothing
// of shapes: the manifest's prompt.clauseOrder (written from this package's grammar) tells
// @sjd/core's prepareCaption how to order clauses. Here: it orders them as the grammar does.
const path = join(shippedModelDir, 'manifest.json');
const manifest = parseModelManifest(JSON.parse(readFileSync(path, 'utf8')), path);

describe("the shipped manifest's clause order", () => {
  it('puts every scene in any shape order into the grammar’s canonical caption', () => {
    const rng = xoroshiro128plus(11);
    for (let i = 0; i < 400; i++) {
      const scene = sampleScene(rng);
      const canonical = sceneToCaption(scene);
      const shuffled = [...scene.shapes].reverse().map(describeShape).join(` ${JOINER} `);
      expect(prepareCaption(manifest, shuffled)).toBe(canonical);
      expect(prepareCaption(manifest, `  ${canonical}. `)).toBe(canonical);
      expect(sceneToCaption(parseCaption(shuffled))).toBe(canonical);
    }
  });

  it('leaves captions outside the grammar for the encoder to judge', () => {
    expect(prepareCaption(manifest, 'a cat on a mat!')).toBe('a cat on a mat');
    // Two clauses at the same place: not a scene, left as typed.
    const twice = 'a small red circle at the top and a large blue square at the top';
    expect(prepareCaption(manifest, twice)).toBe(twice);
    expect(
      prepareCaption(
        manifest,
        'a large red circle in the centre and  a small blue square at the TOP left',
      ),
    ).toBe('a small blue square at the TOP left and a large red circle in the centre');
    expect([...encodePrompt(manifest, 'a small blue square at the TOP left').conditional]).toEqual([
      ...encodePrompt(manifest, 'a small blue square at the top left').conditional,
    ]);
  });
});
