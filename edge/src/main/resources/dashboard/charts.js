// Time-series charts with uPlot (served by the node from its WebJar): canvas, small, fast with many points.
// Colours come from the stylesheet, so charts follow light and dark mode.

import uPlot from './vendor/uPlot.esm.js';
import { cssVar } from './page.js';

/**
 * Draws a chart into container.
 * @param container element to draw into (its width is followed).
 * @param xs epoch seconds.
 * @param series [{label, values, color (a CSS variable name), format(v) for the legend}]
 * @param options {stacked: sum the series bottom-up (legend shows each one's own value), yFormat, yRange}
 */
export function timeChart(container, xs, series, options = {}) {
  container.replaceChildren();
  const raw = series.map((s) => s.values);
  let drawn = raw;
  if (options.stacked) {
    // cumulative sums, drawn from the top series down so that each band shows its own part
    const sums = [];
    let acc = xs.map(() => 0);
    for (const values of raw) {
      acc = acc.map((a, i) => a + (values[i] || 0));
      sums.push(acc);
    }
    drawn = sums;
  }
  const order = options.stacked ? series.map((_, i) => series.length - 1 - i) : series.map((_, i) => i);
  const text = cssVar('--text');
  const grid = cssVar('--grid');
  const yFormat = options.yFormat || ((v) => String(v));
  const width = Math.max(260, container.clientWidth || 600);
  const opts = {
    width,
    height: options.height || 220,
    series: [
      { label: 'Time', value: (u, v) => (v === null ? '—' : new Date(v * 1000).toISOString().replace('T', ' ').slice(0, 16)) },
      ...order.map((i) => {
        const color = cssVar(series[i].color);
        return {
          label: series[i].label,
          stroke: color,
          width: 2,
          fill: options.stacked ? color : undefined,
          points: { show: xs.length < 40 },
          spanGaps: false,
          value: (u, v, si, di) => {
            const own = di === null || di === undefined ? null : raw[i][di];
            return own === null || own === undefined ? '—' : (series[i].format || yFormat)(own);
          },
        };
      }),
    ],
    axes: [
      { stroke: text, grid: { stroke: grid }, ticks: { stroke: grid } },
      { stroke: text, grid: { stroke: grid }, ticks: { stroke: grid }, size: 64,
        values: (u, values) => values.map((v) => yFormat(v)) },
    ],
    scales: { x: { time: true }, y: options.yRange ? { range: options.yRange } : { auto: true } },
    legend: { show: true, live: true },
  };
  const data = [xs, ...order.map((i) => drawn[i])];
  const chart = new uPlot(opts, data, container);
  if (window.ResizeObserver) {
    let last = width;
    new ResizeObserver(() => {
      const w = Math.max(260, container.clientWidth);
      if (Math.abs(w - last) > 4) {
        last = w;
        chart.setSize({ width: w, height: opts.height });
      }
    }).observe(container);
  }
  return chart;
}

/** A y range for percentages: from a little under the lowest value to 100. */
export function percentRange(u, min, max) {
  const low = Number.isFinite(min) ? Math.max(0, Math.floor(Math.min(min, 100) - 1)) : 0;
  return [low, Math.max(100, Number.isFinite(max) ? max : 100)];
}
