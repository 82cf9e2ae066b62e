import { credentials } from '@grpc/grpc-js';
import { DEFAULT_DECODING } from '@sjd/backend-node';
import { describe, expect, it } from 'vitest';
import {
  GenerateRequest,
  type GenerateResponse,
  GenerationServiceClient,
} from './generated/sjd/v1/sjd.js';
import { INIT, METHOD, REDRAFT } from './proto-enums.js';
import { CAPTION, collect, useTestServer } from './test-support/test-server.js';

const fx = useTestServer();

describe('unset fields take the library defaults (one source: @sjd/core)', () => {
  it('the typed client without decoding settings runs DEFAULT_DECODING', async () => {
    const [start] = await collect(fx.t.client.generate({ prompt: CAPTION, seed: 1 }));
    expect(start).toMatchObject({
      type: 'generation-start',
      method: DEFAULT_DECODING.method,
      window: DEFAULT_DECODING.window,
      init: DEFAULT_DECODING.init,
      redraft: DEFAULT_DECODING.redraft,
    });
  });

  it('a raw request with no decoding message runs DEFAULT_DECODING', async () => {
    const client = new GenerationServiceClient(fx.t.address, credentials.createInsecure());
    const start = await new Promise<GenerateResponse>((resolve, reject) => {
      const call = client.generate(GenerateRequest.fromPartial({ prompt: CAPTION, seed: 1n }));
      call.once('data', (response: GenerateResponse) => {
        resolve(response);
        call.cancel();
      });
      call.on('error', () => {});
      call.once('end', () => reject(new Error('no start event')));
    });
    client.close();
    expect(start.event?.$case).toBe('start');
    if (start.event?.$case !== 'start') return;
    expect(start.event.value).toMatchObject({
      method: METHOD.toProto(DEFAULT_DECODING.method),
      window: DEFAULT_DECODING.window,
      init: INIT.toProto(DEFAULT_DECODING.init),
      redraft: REDRAFT.toProto(DEFAULT_DECODING.redraft),
    });
  });
});
