import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { describe, expect, it } from 'vitest';
import { sampleAppearance } from './appearance.js';
import { sceneToCaption } from './caption.js';
import { adherence, evaluateImage } from './evaluate.js';
import { COLOURS, KINDS, type Scene, type Shape, SIZES } from './grammar.js';
import { addPixelNoise, addSpecks, boxBlur, flattenPatches, jitterPatches } from './perturb.js';
import { renderScene } from './render.js';
import { sampleScene } from './sample-scene.js';

const SCENES = 600;
const VQ_LIKE = 'VQ-like mix (blur + 10% patches shifted + 10% flattened + noise ±16 + 6 specks)';
/** Stress level: 20% of patches shifted and 20% flattened destroys some small (10 px) shapes outright. */
const HARSH = 'harsh VQ-like mix (blur + 20% shifted + 20% flattened + noise ±16 + 6 specks)';

type Perturbation = (img: Uint8Array, rng: RandomGenerator) => Uint8Array;

const PERTURBATIONS: Record<string, Perturbation> = {
  clean: (img) => img,
  'pixel noise ±24': (img, rng) => addPixelNoise(img, rng, 24),
  'specks (12 px)': (img, rng) => addSpecks(img, rng, 12),
  'box blur': (img) => boxBlur(img),
  'patch jitter 30%': (img, rng) => jitterPatches(img, rng, 0.3),
  'flattened patches 30%': (img, rng) => flattenPatches(img, rng, 0.3),
  [VQ_LIKE]: (img, rng) =>
    addSpecks(
      addPixelNoise(flattenPatches(jitterPatches(boxBlur(img), rng, 0.1), rng, 0.1), rng, 16),
      rng,
      6,
    ),
  [HARSH]: (img, rng) =>
    addSpecks(
      addPixelNoise(flattenPatches(jitterPatches(boxBlur(img), rng, 0.2), rng, 0.2), rng, 16),
      rng,
      6,
    ),
};

function measure(perturb: Perturbation, seed: number) {
  const rng = xoroshiro128plus(seed);
  const verdicts = [];
  for (let i = 0; i < SCENES; i++) {
    const scene = sampleScene(rng);
    const image = renderScene(scene, undefined, 0, sampleAppearance(rng, scene));
    verdicts.push(evaluateImage(perturb(image, rng), sceneToCaption(scene)));
  }
  return adherence(verdicts);
}

describe('evaluator on ground truth', () => {
  for (const [name, perturb] of Object.entries(PERTURBATIONS)) {
    it(`holds for >= ${name === HARSH ? 95 : 98}% of ${SCENES} rendered scenes: ${name}`, () => {
      const result = measure(perturb, 1234);
      console.log(
        `ground-truth adherence, ${name}: ${(100 * result.adherence).toFixed(1)}%`,
        JSON.stringify(result.perAttribute),
      );
      expect(result.count).toBe(SCENES);
      expect(result.adherence).toBeGreaterThanOrEqual(name === HARSH ? 0.95 : 0.98);
    });
  }
});

/** A scene plus a mutation of it; the evaluator must reject the mutated caption for the original image. */
function withShape(scene: Scene, index: number, change: Partial<Shape>): Scene {
  const shapes = scene.shapes.map((s, i) => (i === index ? { ...s, ...change } : s));
  return { shapes: [...shapes].sort((a, b) => a.cell - b.cell) };
}

function other<T>(items: readonly T[], value: T, rng: RandomGenerator): T {
  const rest = items.filter((x) => x !== value);
  return rest[Math.abs(rng.next()) % rest.length]!;
}

describe('evaluator negative controls (image of one scene, caption of a changed scene)', () => {
  const rng = xoroshiro128plus(99);
  const cases: { name: string; image: Scene; caption: Scene; attribute: string }[] = [];
  for (let i = 0; i < 120; i++) {
    const scene = sampleScene(rng);
    const k = Math.abs(rng.next()) % scene.shapes.length;
    const s = scene.shapes[k]!;
    const used = new Set(scene.shapes.map((x) => x.cell));
    const free = [...Array(9).keys()].filter((c) => !used.has(c));
    cases.push(
      {
        name: 'wrong colour',
        image: scene,
        caption: withShape(scene, k, { colour: other(COLOURS, s.colour, rng) }),
        attribute: 'colourPosition',
      },
      {
        name: 'wrong size',
        image: scene,
        caption: withShape(scene, k, { size: other(SIZES, s.size, rng) }),
        attribute: 'size',
      },
      {
        name: 'wrong kind',
        image: scene,
        caption: withShape(scene, k, { kind: other(KINDS, s.kind, rng) }),
        attribute: 'kind',
      },
      {
        name: 'wrong position',
        image: scene,
        caption: withShape(scene, k, { cell: free[Math.abs(rng.next()) % free.length]! }),
        attribute: 'colourPosition',
      },
    );
    if (scene.shapes.length > 1) {
      // Missing shape: the caption states all shapes, the image lacks one.
      cases.push({
        name: 'missing shape',
        image: { shapes: scene.shapes.filter((_, i) => i !== k) },
        caption: scene,
        attribute: 'colourPosition',
      });
      // Extra shape: the image holds one more shape than the caption states.
      cases.push({
        name: 'extra shape',
        image: scene,
        caption: { shapes: scene.shapes.filter((_, i) => i !== k) },
        attribute: 'count',
      });
    }
  }

  for (const name of [
    'wrong colour',
    'wrong size',
    'wrong kind',
    'wrong position',
    'missing shape',
    'extra shape',
  ]) {
    it(`rejects every ${name}, clean and noisy`, () => {
      const noiseRng = xoroshiro128plus(7);
      const mine = cases.filter((c) => c.name === name);
      expect(mine.length).toBeGreaterThan(50);
      let rejectedNoisy = 0;
      for (const c of mine) {
        const clean = evaluateImage(renderScene(c.image), sceneToCaption(c.caption));
        expect(clean.holds, `${name}: ${sceneToCaption(c.caption)}`).toBe(false);
        const noisy = PERTURBATIONS[VQ_LIKE]!;
        if (!evaluateImage(noisy(renderScene(c.image), noiseRng), sceneToCaption(c.caption)).holds)
          rejectedNoisy++;
      }
      expect(rejectedNoisy / mine.length).toBeGreaterThanOrEqual(0.98);
    });
  }

  it('names the attribute that fails', () => {
    const scene: Scene = { shapes: [{ kind: 'circle', colour: 'red', size: 'large', cell: 0 }] };
    const image = renderScene(scene);
    const v = (caption: string) => evaluateImage(image, caption);
    expect(v('a large red circle at the top left').holds).toBe(true);
    expect(v('a large blue circle at the top left').shapes[0]).toMatchObject({
      colourPosition: false,
      size: true,
      kind: true,
    });
    expect(v('a small red circle at the top left').shapes[0]).toMatchObject({
      colourPosition: true,
      size: false,
      kind: true,
    });
    expect(v('a large red square at the top left').shapes[0]).toMatchObject({
      colourPosition: true,
      size: true,
      kind: false,
    });
    const moved = v('a large red circle in the centre');
    expect(moved.shapes[0]).toMatchObject({ colourPosition: false, size: false, kind: false });
    expect(moved.count).toBe(true);
    const extra = evaluateImage(
      renderScene({
        shapes: [...scene.shapes, { kind: 'square', colour: 'blue', size: 'small', cell: 8 }],
      }),
      'a large red circle at the top left',
    );
    expect(extra.shapes[0]).toMatchObject({ colourPosition: true, size: true, kind: true });
    expect(extra.count).toBe(false);
    expect(extra.holds).toBe(false);
  });

  it('sees an empty image as zero shapes', () => {
    const verdict = evaluateImage(renderScene({ shapes: [] }), 'a small red circle at the top');
    expect(verdict.detected).toEqual([]);
    expect(verdict.holds).toBe(false);
  });
});

describe('adherence', () => {
  it('aggregates per image and per stated shape', () => {
    const a = renderScene({ shapes: [{ kind: 'circle', colour: 'red', size: 'large', cell: 0 }] });
    const result = adherence([
      evaluateImage(a, 'a large red circle at the top left'),
      evaluateImage(a, 'a large red circle at the top left and a small blue square at the top'),
    ]);
    expect(result.count).toBe(2);
    expect(result.adherence).toBe(0.5);
    expect(result.perAttribute.colourPosition).toBeCloseTo(2 / 3);
    expect(result.perAttribute.count).toBe(0.5);
    expect(adherence([]).adherence).toBe(0);
  });
});
