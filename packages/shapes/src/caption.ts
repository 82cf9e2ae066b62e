import { ARTICLE, JOINER, POSITION_PHRASES, type Scene, type Shape } from './grammar.js';

/** The phrase describing one shape, e.g. `a large red circle at the top left`. */
export function describeShape(shape: Shape): string {
  const position = POSITION_PHRASES[shape.cell];
  if (position === undefined) throw new RangeError(`cell ${shape.cell} is not in 0..8`);
  return `${ARTICLE} ${shape.size} ${shape.colour} ${shape.kind} ${position}`;
}

/**
 * The caption of a scene: its shape phrases in raster order of their cells, joined by
 * ` and `. A deterministic function of the scene (the order of `scene.shapes` does not matter).
 */
export function sceneToCaption(scene: Scene): string {
  const shapes = [...scene.shapes].sort((a, b) => a.cell - b.cell);
  return shapes.map(describeShape).join(` ${JOINER} `);
}
