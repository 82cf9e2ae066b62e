/**
 * `pnpm --filter @sjd/bench acceptance-chart`: the acceptance rate by window position of
 * every SJD row in bench/results/latest.json, as bench/results/acceptance.svg.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { lineChartSvg } from './line-chart-svg.js';

const results = fileURLToPath(new URL('../../../bench/results/', import.meta.url));
const rows = JSON.parse(readFileSync(`${results}/latest.json`, 'utf8')) as {
  method: string;
  label: string;
  cfgScale: number | null;
  acceptanceByPosition: (number | null)[];
}[];
const sjd = rows.filter(
  (r) => r.method === 'sjd' && r.cfgScale === null && r.acceptanceByPosition.length > 0,
);
writeFileSync(
  `${results}/acceptance.svg`,
  lineChartSvg({
    title: 'SJD: acceptance rate by window position (shipped model, pnpm bench)',
    xLabel: 'window position of the draft (1 = first)',
    yLabel: 'accepted / verified',
    lines: sjd.map((r) => ({ label: r.label, values: r.acceptanceByPosition })),
  }),
);
console.log(`wrote ${results}acceptance.svg (${sjd.length} lines)`);
