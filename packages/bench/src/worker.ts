/** Child-process entry: measures the method given as JSON in argv[2] and prints the result. */
import type { MethodConfig } from './bench-plan.js';
import { measureMethod } from './measure-method.js';
import { measureTransformersJs } from './measure-transformers-js.js';

const job = JSON.parse(process.argv[2]!) as {
  config: MethodConfig;
  captions: string[];
  seeds: number[];
  modelDir?: string;
};
const result =
  job.config.method === 'transformers.js'
    ? await measureTransformersJs(job.captions, job.seeds, job.modelDir)
    : await measureMethod(job.config, job.captions, job.seeds, job.modelDir);
process.stdout.write(`${JSON.stringify(result)}\n`);
