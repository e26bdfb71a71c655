// The Classify view's charts (uPlot): counts by label, counts by method, and
// a confidence histogram per method. Updated at most every 250 ms while rows
// stream in.

import uPlot from './vendor/uPlot.esm.js';

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];
const BINS = 20;

function width(el) { return Math.max(240, Math.min(560, el.clientWidth || 320)); }

function barChart(el) {
  let names = [];
  const opts = {
    width: width(el), height: 250, legend: { show: false },
    scales: { x: { time: false, range: (u, min, max) => [min - 0.6, max + 0.6] },
              y: { range: (u, min, max) => [0, Math.max(1, max) * 1.05] } },
    axes: [
      { values: (u, ticks) => ticks.map((t) => names[t] ?? ''), splits: () => names.map((_, i) => i),
        rotate: -35, size: 90, font: '11px system-ui', gap: 2 },
      { size: 50 },
    ],
    series: [{}, { label: 'count', fill: COLORS[0], stroke: COLORS[0],
                   paths: uPlot.paths.bars({ size: [0.7, 60] }), points: { show: false } }],
  };
  const plot = new uPlot(opts, [[], []], el);
  return {
    plot,
    set(counts) {
      names = [...counts.keys()];
      plot.setData([names.map((_, i) => i), [...counts.values()]]);
    },
  };
}

export class Charts {
  constructor(labelEl, methodEl, confidenceEl) {
    this.byLabel = barChart(labelEl);
    this.byMethod = barChart(methodEl);
    this.confidenceEl = confidenceEl;
    this.confidence = null;
    this.methods = [];
    this.timer = 0;
  }

  // rows: every row so far (undecided ones skipped).
  update(rows) {
    if (this.timer) return;
    this.timer = setTimeout(() => { this.timer = 0; this.draw(rows); }, 250);
  }

  draw(rows) {
    const labels = new Map(), methods = new Map(), hist = new Map();
    for (const r of rows) {
      if (r.label == null) continue;
      labels.set(r.label, (labels.get(r.label) || 0) + 1);
      methods.set(r.method, (methods.get(r.method) || 0) + 1);
      if (r.confidence == null) continue;
      if (!hist.has(r.method)) hist.set(r.method, new Array(BINS).fill(0));
      hist.get(r.method)[Math.min(BINS - 1, Math.floor(r.confidence * BINS))]++;
    }
    this.byLabel.set(new Map([...labels].sort((a, b) => b[1] - a[1])));
    this.byMethod.set(new Map([...methods].sort((a, b) => b[1] - a[1])));
    const names = [...hist.keys()].sort();
    if (names.join() !== this.methods.join()) {
      this.methods = names;
      if (this.confidence) this.confidence.destroy();
      this.confidence = new uPlot({
        width: width(this.confidenceEl), height: 200,
        scales: { x: { time: false, range: [0, 1] } },
        axes: [{ size: 30 }, { size: 50 }],
        series: [{ label: 'confidence' }, ...names.map((m, i) => ({
          label: m, stroke: COLORS[i % COLORS.length], width: 2,
          paths: uPlot.paths.stepped({ align: 1 }), points: { show: false },
        }))],
      }, [[], ...names.map(() => [])], this.confidenceEl);
    }
    const xs = Array.from({ length: BINS }, (_, i) => i / BINS);
    this.confidence?.setData([xs, ...names.map((m) => hist.get(m))]);
  }

  resize() {
    for (const [c, el] of [[this.byLabel.plot, this.byLabel.plot.root.parentElement],
                           [this.byMethod.plot, this.byMethod.plot.root.parentElement],
                           [this.confidence, this.confidenceEl]]) {
      if (c) c.setSize({ width: width(el), height: c === this.confidence ? 200 : 250 });
    }
  }
}
