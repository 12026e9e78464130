// A sparkline of sessions on a small canvas: no library and no request of its own (the points come with the
// release, healthData.stats), so a page of a hundred rows draws at once.

import { cssVar } from './page.js';

/**
 * @param points [[epochSeconds, sessions], …]
 * @returns a canvas, labelled with the total for screen readers.
 */
export function sparkline(points, width = 96, height = 26) {
  const canvas = document.createElement('canvas');
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  canvas.className = 'spark';
  const values = (points || []).map((p) => (Array.isArray(p) ? p[1] : p) || 0);
  const total = values.reduce((a, b) => a + b, 0);
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `${total} sessions in ${values.length} intervals`);
  const g = canvas.getContext('2d');
  g.scale(ratio, ratio);
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? (width - 2) / (values.length - 1) : 0;
  const y = (v) => height - 2 - (v / max) * (height - 5);
  g.beginPath();
  g.moveTo(1, height - 1);
  values.forEach((v, i) => g.lineTo(1 + i * step, y(v)));
  g.lineTo(1 + Math.max(0, values.length - 1) * step, height - 1);
  g.closePath();
  g.fillStyle = cssVar('--spark-fill');
  g.fill();
  g.beginPath();
  values.forEach((v, i) => (i === 0 ? g.moveTo(1 + i * step, y(v)) : g.lineTo(1 + i * step, y(v))));
  if (values.length <= 1) {
    g.moveTo(1, y(values[0] || 0));
    g.lineTo(width - 1, y(values[0] || 0));
  }
  g.strokeStyle = cssVar('--spark-line');
  g.lineWidth = 1.5;
  g.stroke();
  return canvas;
}
