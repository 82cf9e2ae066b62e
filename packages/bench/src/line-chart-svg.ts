/** One line: a label and y values at x = 1, 2, 3 … (`null` leaves a gap). */
export interface Line {
  readonly label: string;
  readonly values: readonly (number | null)[];
}

/** A line chart of values in [0, 1] as a standalone SVG string. */
export function lineChartSvg(options: {
  title: string;
  xLabel: string;
  yLabel: string;
  lines: readonly Line[];
}): string {
  const width = 760;
  const height = 380;
  const left = 50;
  const right = 230;
  const top = 36;
  const bottom = 44;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const n = Math.max(1, ...options.lines.map((l) => l.values.length));
  const x = (i: number) => left + (n === 1 ? 0 : (i / (n - 1)) * plotW);
  const y = (v: number) => top + plotH - v * plotH;
  const colours = [
    '#4c78a8',
    '#f58518',
    '#54a24b',
    '#e45756',
    '#72b7b2',
    '#b279a2',
    '#ff9da6',
    '#9d755d',
    '#bab0ac',
    '#eeca3b',
  ];
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    '<rect width="100%" height="100%" fill="white"/>',
    `<text x="${left + plotW / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(options.title)}</text>`,
    `<text x="${left + plotW / 2}" y="${height - 8}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`,
    `<text transform="translate(14,${top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`,
  ];
  for (let t = 0; t <= 4; t++) {
    parts.push(
      `<line x1="${left}" x2="${left + plotW}" y1="${y(t / 4)}" y2="${y(t / 4)}" stroke="#ddd"/>`,
    );
    parts.push(
      `<text x="${left - 5}" y="${y(t / 4) + 4}" text-anchor="end">${(t / 4).toFixed(2)}</text>`,
    );
  }
  for (let i = 0; i < n; i += Math.max(1, Math.ceil(n / 16))) {
    parts.push(`<text x="${x(i)}" y="${top + plotH + 14}" text-anchor="middle">${i + 1}</text>`);
  }
  options.lines.forEach((line, k) => {
    const colour = colours[k % colours.length]!;
    const points = line.values
      .map((v, i) => (v === null ? null : `${x(i).toFixed(1)},${y(v).toFixed(1)}`))
      .filter((p) => p !== null);
    parts.push(
      `<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${points.join(' ')}"/>`,
    );
    parts.push(
      `<rect x="${width - right + 12}" y="${top + k * 16}" width="12" height="3" fill="${colour}"/>`,
    );
    parts.push(
      `<text x="${width - right + 28}" y="${top + k * 16 + 5}">${escapeXml(line.label)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
