/**
 * The streaming API: load the model once, watch each decoding step, compare SJD with vanilla
 * AR on the same caption. Run: `node dist/streaming.js`.
 */
import { generateStream, loadModel } from '@sjd/backend-node';
import { shippedModelDir } from '@sjd/shapes';

const model = await loadModel({ modelDir: shippedModelDir }); // or any model folder
try {
  const prompt = model.encodePrompt(model.prepareCaption('a large green triangle on the left'));
  for (const method of ['ar', 'sjd'] as const) {
    let blocks = 0;
    for await (const event of generateStream({
      provider: model,
      prompt: prompt.conditional,
      unconditionalPrompt: prompt.unconditional,
      seed: 3,
      sampling: model.recommendedSampling,
      decoding: { method },
    })) {
      if (event.type === 'token-block') blocks++;
      if (event.type === 'generation-done') {
        const s = event.statistics;
        console.log(
          `${method}: ${blocks} token blocks, ${s.tokens} tokens in ${s.steps} forward passes, ${s.totalMs.toFixed(0)} ms`,
        );
      }
    }
  }
} finally {
  await model.release();
}
