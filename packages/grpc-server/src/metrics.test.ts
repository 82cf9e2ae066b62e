import { describe, expect, it } from 'vitest';
import { CAPTION, CHEAP, collect, failure, useTestServer } from './test-support/test-server.js';

const fx = useTestServer({ maxConcurrent: 1, metrics: { port: 0 } });

/** Scrapes `/metrics` over HTTP and returns `name{labels}` → value. */
async function scrape(): Promise<Map<string, number>> {
  const response = await fetch(`http://127.0.0.1:${fx.t.server.metricsPort}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/text\/plain/);
  const samples = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

describe('Prometheus metrics', () => {
  it('count calls by method and status, with latency, first block, steps and tokens per step', async () => {
    await collect(fx.t.client.generate({ prompt: CAPTION, ...CHEAP }));
    await failure(() => collect(fx.t.client.generate({ prompt: CAPTION, sampling: { topP: 2 } })));
    await fx.t.client.listModels();
    const m = await scrape();
    expect(m.get('sjd_requests_total{method="Generate",status="OK"}')).toBe(1);
    expect(m.get('sjd_requests_total{method="Generate",status="INVALID_ARGUMENT"}')).toBe(1);
    expect(m.get('sjd_requests_total{method="ListModels",status="OK"}')).toBe(1);
    expect(m.get('sjd_request_duration_seconds_count{method="Generate",status="OK"}')).toBe(1);
    expect(m.get('sjd_time_to_first_block_seconds_count')).toBe(1);
    expect(m.get('sjd_generation_steps_count')).toBe(1);
    const { steps, stepCompression } = fx.t.requests()[0]!;
    expect(m.get('sjd_generation_steps_sum')).toBe(steps);
    expect(m.get('sjd_tokens_per_step_sum')).toBe(stepCompression);
    expect(m.get('sjd_model_state{state="serving"}')).toBe(1);
    expect(m.get('sjd_model_state{state="loading"}')).toBe(0);
    expect(m.get('sjd_max_concurrent')).toBe(1);
    expect(m.has('process_cpu_user_seconds_total')).toBe(true);
  });

  it('report busy slots and queue depth as gauges while generations run and wait', async () => {
    const idle = await scrape();
    expect([idle.get('sjd_busy_slots'), idle.get('sjd_queue_depth')]).toEqual([0, 0]);
    const controller = new AbortController();
    const running = collect(
      fx.t.client.generate(
        { prompt: CAPTION, images: 16, decoding: { method: 'ar' } },
        { signal: controller.signal },
      ),
    ).catch(() => {});
    const waiting = [1, 2].map(() =>
      collect(
        fx.t.client.generate({ prompt: CAPTION, ...CHEAP }, { signal: controller.signal }),
      ).catch(() => {}),
    );
    await expect.poll(() => fx.t.server.queuedGenerations).toBe(2);
    const busy = await scrape();
    expect([busy.get('sjd_busy_slots'), busy.get('sjd_queue_depth')]).toEqual([1, 2]);
    controller.abort();
    await Promise.all([running, ...waiting]);
    await expect.poll(() => fx.t.server.activeGenerations).toBe(0);
    const after = await scrape();
    expect([after.get('sjd_busy_slots'), after.get('sjd_queue_depth')]).toEqual([0, 0]);
    expect(after.get('sjd_requests_total{method="Generate",status="CANCELLED"}')).toBe(3);
  });

  it('answer 404 for anything but GET /metrics', async () => {
    const response = await fetch(`http://127.0.0.1:${fx.t.server.metricsPort}/`);
    expect(response.status).toBe(404);
  });
});
