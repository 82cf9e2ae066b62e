/** One group of bars: a label and one value per series. */
export interface BarGroup {
  readonly label: string;
  readonly values: readonly number[];
}

/**
 * A grouped bar chart as a standalone SVG string: enough for a benchmark report, no
 * plotting library needed.
 */
export function barChartSvg(options: {
  title: string;
  series: readonly string[];
  groups: readonly BarGroup[];
  unit?: string;
}): string {
  const { title, series, groups } = options;
  const colours = ['#4c78a8', '#f58518', '#54a24b', '#e45756'];
  const width = 80 + groups.length * (series.length * 18 + 24);
  const height = 320;
  const top = 40;
  const bottom = 110;
  const plot = height - top - bottom;
  const max = Math.max(1, ...groups.flatMap((g) => g.values));
  const y = (v: number) => top + plot - (v / max) * plot;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(title)}</text>`,
  ];
  for (let t = 0; t <= 4; t++) {
    const v = (max * t) / 4;
    parts.push(`<line x1="50" x2="${width - 10}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`);
    parts.push(
      `<text x="45" y="${y(v) + 4}" text-anchor="end">${v.toFixed(1)}${options.unit ?? ''}</text>`,
    );
  }
  groups.forEach((group, g) => {
    const x0 = 60 + g * (series.length * 18 + 24);
    group.values.forEach((v, s) => {
      const x = x0 + s * 18;
      parts.push(
        `<rect x="${x}" y="${y(v)}" width="16" height="${top + plot - y(v)}" fill="${colours[s % colours.length]}"><title>${escapeXml(group.label)} ${escapeXml(series[s]!)}: ${v.toFixed(2)}</title></rect>`,
      );
    });
    const cx = x0 + (series.length * 18) / 2;
    parts.push(
      `<text transform="translate(${cx},${top + plot + 8}) rotate(50)" text-anchor="start">${escapeXml(group.label)}</text>`,
    );
  });
  series.forEach((name, s) => {
    parts.push(
      `<rect x="${60 + s * 140}" y="${height - 18}" width="12" height="12" fill="${colours[s % colours.length]}"/>`,
    );
    parts.push(`<text x="${76 + s * 140}" y="${height - 8}">${escapeXml(name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
