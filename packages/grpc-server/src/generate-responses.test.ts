import type { OnnxLogitsProvider } from '@sjd/backend-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateResponses } from './generate-responses.js';
import { GenerateRequest, type GenerateResponse } from './generated/sjd/v1/sjd.js';
import { GenerationSlots } from './generation-slots.js';
import { ModelRegistry } from './model-registry.js';
import type { CallScope } from './rpc-adapter.js';
import { RpcError } from './rpc-error.js';
import { CAPTION, loadTestModel } from './test-support/test-server.js';

let model: OnnxLogitsProvider;
const models = new ModelRegistry();
beforeAll(async () => {
  model = await loadTestModel();
  models.register([model]);
});
afterAll(() => model?.release());

const scope = (signal: AbortSignal): CallScope => ({
  signal,
  received: performance.now(),
  record: {},
  client: 'test',
});
const request = (fields: Partial<GenerateRequest>) =>
  GenerateRequest.fromPartial({ prompt: CAPTION, seed: 5n, ...fields });

describe('generateResponses: the Generate domain without gRPC', () => {
  it('yields start, blocks, image and summary, and fills the log record', async () => {
    const slots = new GenerationSlots(1, 0);
    const s = scope(new AbortController().signal);
    const cases: string[] = [];
    for await (const response of generateResponses(
      request({}),
      { models, slots, maxImages: 1, blockIntervalMs: 0 },
      s,
    )) {
      cases.push(response.event!.$case);
    }
    expect(cases[0]).toBe('start');
    expect(cases.slice(-2)).toEqual(['image', 'summary']);
    expect(new Set(cases.slice(1, -2))).toEqual(new Set(['tokenBlock']));
    expect(s.record).toMatchObject({ model: model.manifest.name, seed: 5, images: 1 });
    expect([slots.active, model.activeSessions]).toEqual([0, 0]);
  });

  it('stops with the signal’s reason, freeing its slot and the model session', async () => {
    const slots = new GenerationSlots(1, 0);
    const controller = new AbortController();
    const reason = new RpcError({ code: 1, message: 'stop' });
    const seen: GenerateResponse[] = [];
    const run = async () => {
      for await (const response of generateResponses(
        request({ images: 4 }),
        { models, slots, maxImages: 4, blockIntervalMs: 0 },
        scope(controller.signal),
      )) {
        seen.push(response);
        if (response.event?.$case === 'tokenBlock') controller.abort(reason);
      }
    };
    await expect(run()).rejects.toBe(reason);
    expect(seen.filter((r) => r.event?.$case === 'image')).toHaveLength(0);
    expect([slots.active, model.activeSessions]).toEqual([0, 0]);
  });

  it('names the proto field of a bad setting before taking a slot', async () => {
    const slots = new GenerationSlots(1, 0);
    const responses = generateResponses(
      request({ sampling: { topP: 3 } }),
      { models, slots, maxImages: 1, blockIntervalMs: 0 },
      scope(new AbortController().signal),
    );
    const error = await responses.next().catch((e: unknown) => e);
    expect(RpcError.isInstance(error) && [error.statusName, error.field]).toEqual([
      'INVALID_ARGUMENT',
      'sampling.top_p',
    ]);
    expect(slots.active).toBe(0);
  });
});
