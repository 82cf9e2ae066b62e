export { type FashionSplit, fashionDatasetDir, readFashionSplit } from './fashion-dataset.js';
export { FashionJudge, fashionClassOf, type Judgement } from './fashion-judge.js';
export {
  bootstrapFrechet,
  type FeatureStats,
  featureStats,
  frechetDistance,
} from './frechet-distance.js';
export { fashionClassifierPath, fashionLabels, fashionModelDir } from './model-dir.js';
