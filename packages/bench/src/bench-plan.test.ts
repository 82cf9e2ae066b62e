import { fashionLabels } from '@sjd/fashion';
import { describe, expect, it } from 'vitest';
import { barChartSvg } from './bar-chart-svg.js';
import { benchPrompts, configLabel, methodConfigs, pacConfigs, seedFor } from './bench-plan.js';

describe('the benchmark plan', () => {
  it('measures vanilla AR first (the baseline), greedy Jacobi, and SJD × 3 initialisers × 3 windows', () => {
    const configs = methodConfigs(false);
    expect(configs[0]).toEqual({ method: 'ar', window: 1, init: null });
    expect(configs.filter((c) => c.method === 'sjd' && !c.redraft).map(configLabel)).toEqual([
      'sjd L=8 random',
      'sjd L=16 random',
      'sjd L=32 random',
      'sjd L=8 horizontal',
      'sjd L=16 horizontal',
      'sjd L=32 horizontal',
      'sjd L=8 vertical',
      'sjd L=16 vertical',
      'sjd L=32 vertical',
    ]);
  });
  it("--plan pac: AR first, the paper's SJD, the best exact mode with 0, 1, 3 and 7 branches, longer windows", () => {
    expect(pacConfigs().map(configLabel)).toEqual([
      'ar',
      'sjd L=16 random',
      'sjd L=16 random +3 branches',
      'sjd L=16 above-distribution coupled',
      'sjd L=16 above-distribution coupled +1 branch',
      'sjd L=16 above-distribution coupled +3 branches',
      'sjd L=16 above-distribution coupled +7 branches',
      'sjd L=32 vertical coupled',
      'sjd L=32 vertical coupled +3 branches',
      'sjd L=64 vertical coupled +3 branches',
    ]);
  });

  it('gives every caption its own seeds', () => {
    const { captions, seeds } = benchPrompts(false);
    const all = captions.flatMap((_, c) => seeds.map((s) => seedFor(c, s)));
    expect(new Set(all).size).toBe(all.length);
  });

  it('uses held-out captions and several seeds (diversity needs them)', () => {
    const { captions, seeds } = benchPrompts(true);
    expect(captions.length).toBeGreaterThan(3);
    expect(seeds.length).toBeGreaterThan(1);
  });
  it('runs fashion on its ten class prompts, every class equally often, with overridable counts', () => {
    const { captions, seeds } = benchPrompts(false, 'fashion');
    expect(captions.length).toBe(30);
    expect(seeds.length).toBe(8);
    for (const label of fashionLabels) expect(captions.filter((c) => c === label).length).toBe(3);
    const short = benchPrompts(false, 'fashion', { rounds: 20, seeds: 4 });
    expect([short.captions.length, short.seeds.length]).toEqual([20, 4]);
  });

  it('draws a bar per series and group, escaping labels', () => {
    const svg = barChartSvg({
      title: 'a < b',
      series: ['x', 'y'],
      groups: [{ label: 'g&1', values: [1, 2] }],
    });
    expect(svg.match(/<rect x=/g)?.length).toBe(2 + 2);
    expect(svg).toContain('a &lt; b');
    expect(svg).toContain('g&amp;1');
  });
});
