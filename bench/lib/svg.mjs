// A small hand-written SVG line chart (no dependencies): categorical x (e.g. connection counts,
// equally spaced), linear y from 0, one polyline with dots per series, a legend.

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function niceCeiling(max) {
  if (!(max > 0)) return 1;
  const step = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * step >= max) return m * step;
  return 10 * step;
}

const compact = (n) => (n >= 1000 ? `${+(n / 1000).toFixed(1)}k` : `${+n.toFixed(1)}`);

/** `series`: [{ name, color, values: [y per x label] }]; null values are skipped. */
export function lineChart({ title, subtitle = '', xLabel, yLabel, xLabels, series, width = 680, height = 400 }) {
  const m = { left: 64, right: 150, top: 52, bottom: 56 };
  const w = width - m.left - m.right;
  const h = height - m.top - m.bottom;
  const yMax = niceCeiling(Math.max(...series.flatMap((s) => s.values.filter((v) => v != null))));
  const x = (i) => m.left + (xLabels.length === 1 ? w / 2 : (i * w) / (xLabels.length - 1));
  const y = (v) => m.top + h - (v / yMax) * h;
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  out.push(`<text x="${m.left}" y="22" font-size="15" font-weight="bold">${esc(title)}</text>`);
  if (subtitle) out.push(`<text x="${m.left}" y="40" fill="#555">${esc(subtitle)}</text>`);
  for (let t = 0; t <= 5; t++) {
    const v = (yMax * t) / 5;
    out.push(`<line x1="${m.left}" x2="${m.left + w}" y1="${y(v)}" y2="${y(v)}" stroke="#e3e3e3"/>`);
    out.push(`<text x="${m.left - 6}" y="${y(v) + 4}" text-anchor="end">${compact(v)}</text>`);
  }
  xLabels.forEach((label, i) => {
    out.push(`<line x1="${x(i)}" x2="${x(i)}" y1="${m.top + h}" y2="${m.top + h + 5}" stroke="#333"/>`);
    out.push(`<text x="${x(i)}" y="${m.top + h + 18}" text-anchor="middle">${esc(label)}</text>`);
  });
  out.push(`<line x1="${m.left}" x2="${m.left + w}" y1="${m.top + h}" y2="${m.top + h}" stroke="#333"/>`);
  out.push(`<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${m.top + h}" stroke="#333"/>`);
  out.push(`<text x="${m.left + w / 2}" y="${height - 14}" text-anchor="middle">${esc(xLabel)}</text>`);
  out.push(`<text transform="translate(16 ${m.top + h / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`);
  series.forEach((s, k) => {
    const points = s.values.map((v, i) => (v == null ? null : [x(i), y(v)])).filter(Boolean);
    out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${points.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(' ')}"/>`);
    for (const [a, b] of points) out.push(`<circle cx="${a.toFixed(1)}" cy="${b.toFixed(1)}" r="3.5" fill="${s.color}"/>`);
    const ly = m.top + 10 + k * 20;
    out.push(`<line x1="${m.left + w + 16}" x2="${m.left + w + 36}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"/>`);
    out.push(`<text x="${m.left + w + 42}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
