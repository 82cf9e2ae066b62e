/**
 * Child-process entry (forked by method-process.ts): loads the method given as JSON in
 * argv[2], then measures one round per `round` message and answers `done` with its peak
 * RSS on `finish`.
 */
import type { MethodConfig } from './bench-plan.js';
import { openMethodRunner } from './measure-method.js';
import { openTransformersJsRunner } from './measure-transformers-js.js';
import type { ParentMessage, WorkerMessage } from './method-process.js';

const job = JSON.parse(process.argv[2]!) as {
  config: MethodConfig;
  warmCaption: string;
  modelDir?: string;
};
const send = (message: WorkerMessage) => process.send!(message);

try {
  const runner =
    job.config.method === 'transformers.js'
      ? await openTransformersJsRunner(job.warmCaption, job.modelDir)
      : await openMethodRunner(job.config, job.warmCaption, job.modelDir);
  process.on('message', async (message: ParentMessage) => {
    try {
      if (message.type === 'round') {
        const m = await runner.runRound(message.captionIndex, message.caption, message.seeds);
        send({ type: 'round', measurement: m });
      } else {
        await runner.release();
        send({ type: 'done', peakRssMb: process.resourceUsage().maxRSS / 1024 });
        process.disconnect();
      }
    } catch (error) {
      send({ type: 'error', message: String((error as Error)?.stack ?? error) });
      process.exit(1);
    }
  });
  send({ type: 'ready' });
} catch (error) {
  send({ type: 'error', message: String((error as Error)?.stack ?? error) });
  process.exit(1);
}
