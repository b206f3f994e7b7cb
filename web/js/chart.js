// chart.js - small SVG bar charts drawn with DOM APIs (no library, no innerHTML): a
// horizontal bar chart (one bar per label) and a column histogram. Text is set with
// textContent; every chart has a <title> and an aria-label, and the figures are also in a
// table beside it for screen readers.
const NS = 'http://www.w3.org/2000/svg';

function s(tag, attrs = {}, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = String(text);
  return el;
}

/**
 * Horizontal bars. rows: [{label, value, text}] (value >= 0 scales the bar; text is
 * printed after it). opts: {title, id, width}.
 */
export function hbarChart(rows, opts = {}) {
  const width = opts.width || 760;
  const labelW = 260;
  const barH = 24;
  const gap = 8;
  const height = rows.length * (barH + gap) + gap;
  const max = Math.max(1, ...rows.map((r) => Math.max(0, r.value)));
  const svg = s('svg', {
    viewBox: `0 0 ${width} ${height}`, width: '100%', role: 'img', class: 'chart chart-hbar', 'font-size': 14,
    'aria-label': opts.title || '', ...(opts.id ? { id: opts.id } : {}),
  });
  svg.append(s('title', {}, opts.title || ''));
  rows.forEach((r, i) => {
    const y = gap + i * (barH + gap);
    const w = Math.round(((width - labelW - 120) * Math.max(0, r.value)) / max);
    svg.append(
      s('text', { x: labelW - 8, y: y + barH * 0.7, 'text-anchor': 'end', class: 'chart-label' }, r.label),
      s('rect', { x: labelW, y, width: Math.max(w, 1), height: barH, rx: 3, class: 'chart-bar', fill: '#2f6f9f' }),
      s('text', { x: labelW + Math.max(w, 1) + 6, y: y + barH * 0.7, class: 'chart-value' }, r.text ?? r.value));
  });
  return svg;
}

/** Columns: bins [{label, count}]. opts: {title, id, width, height}. */
export function histogram(bins, opts = {}) {
  const width = opts.width || 760;
  const height = opts.height || 260;
  const bottom = 48;
  const top = 16;
  const colW = (width - 20) / Math.max(1, bins.length);
  const max = Math.max(1, ...bins.map((b) => b.count));
  const svg = s('svg', {
    viewBox: `0 0 ${width} ${height}`, width: '100%', role: 'img', class: 'chart chart-hist', 'font-size': 11,
    'aria-label': opts.title || '', ...(opts.id ? { id: opts.id } : {}),
  });
  svg.append(s('title', {}, opts.title || ''));
  bins.forEach((b, i) => {
    const x = 10 + i * colW;
    const hgt = Math.round(((height - bottom - top) * b.count) / max);
    const y = height - bottom - hgt;
    svg.append(
      s('rect', { x: x + 2, y, width: Math.max(colW - 4, 1), height: Math.max(hgt, b.count ? 1 : 0), class: 'chart-bar', fill: '#3f8f5f' }),
      s('text', { x: x + colW / 2, y: y - 4, 'text-anchor': 'middle', class: 'chart-value' }, b.count),
      s('text', { x: x + colW / 2, y: height - bottom + 16, 'text-anchor': 'middle', class: 'chart-label' }, b.label));
  });
  svg.append(s('line', { x1: 10, y1: height - bottom, x2: width - 10, y2: height - bottom, stroke: '#888' }));
  return svg;
}
