/**
 * Child-process entry (forked by method-process.ts): loads the methods given as JSON in
 * argv[2] (a {@link WorkerJob}), then measures one round of the named method per `round`
 * message and answers `done` with its peak RSS on `finish`.
 */
import { type MethodRunner, openMethodRunner } from './measure-method.js';
import { openTransformersJsRunner } from './measure-transformers-js.js';
import type { ParentMessage, WorkerJob, WorkerMessage } from './method-process.js';

const job = JSON.parse(process.argv[2]!) as WorkerJob;
const send = (message: WorkerMessage) => process.send!(message);

try {
  const configs = job.configs ?? (job.config ? [job.config] : []);
  const runners: MethodRunner[] = [];
  for (const config of configs) {
    runners.push(
      config.method === 'transformers.js'
        ? await openTransformersJsRunner(job.warmCaption, job.modelDir)
        : await openMethodRunner(config, job.warmCaption, job.modelDir, job.threads),
    );
  }
  process.on('message', async (message: ParentMessage) => {
    try {
      if (message.type === 'round') {
        const runner = runners[message.method ?? 0];
        if (!runner) throw new RangeError(`no method ${message.method} in this process`);
        const m = await runner.runRound(message.captionIndex, message.caption, message.seeds);
        send({ type: 'round', measurement: m });
      } else {
        for (const runner of runners) await runner.release();
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
