// The Live view: GET /v1/live (Server-Sent Events, read with fetch so the API
// key goes in a header: EventSource cannot send one), the rate per label over
// the last minutes (uPlot), the newest decisions, and the rule hit counts
// from /metrics.

import uPlot from './vendor/uPlot.esm.js';
import { getText, openStream } from './api.js';

const WINDOW_S = 120;
const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];

export class LiveView {
  constructor(els) {
    this.els = els;  // {toggle, status, chart, recent, rules}
    this.abort = null;
    this.received = 0;
    this.dropped = 0;
    this.perSecond = new Map();  // second -> Map(label -> count)
    this.labels = [];
    this.plot = null;
    this.timer = 0;
    els.toggle.addEventListener('click', () => (this.abort ? this.stop() : this.start()));
  }

  async start() {
    if (this.abort) return;
    const abort = new AbortController();
    this.abort = abort;
    this.els.toggle.textContent = 'Pause';
    this.status('connecting…');
    this.timer = setInterval(() => { this.draw(); this.loadRules(); }, 1000);
    this.loadRules();
    try {
      await openStream('/v1/live', (event, data) => this.event(event, data), abort.signal,
                       () => this.status('listening'));
      this.status('the server ended the stream');
    } catch (e) {
      this.status(e.name === 'AbortError' ? 'paused' : `stopped: ${e.message}`);
    } finally {
      if (this.abort === abort) this.stop();
    }
  }

  stop() {
    this.abort?.abort();
    this.abort = null;
    clearInterval(this.timer);
    this.els.toggle.textContent = 'Listen';
  }

  status(text) {
    this.els.status.textContent = `${text} · ${this.received} decisions received, ${this.dropped} dropped by sampling`;
  }

  event(event, data) {
    if (event === 'dropped') {
      this.dropped += JSON.parse(data).dropped;
      this.status('listening');
      return;
    }
    if (event !== 'decision') return;
    const d = JSON.parse(data);
    this.received++;
    const second = Math.floor(d.time_ms / 1000);
    if (!this.perSecond.has(second)) this.perSecond.set(second, new Map());
    const m = this.perSecond.get(second);
    m.set(d.target_label, (m.get(d.target_label) || 0) + 1);
    const li = document.createElement('li');
    const b = document.createElement('strong');
    b.textContent = d.target_label;
    const code = document.createElement('code');
    code.textContent = d.log_message;
    li.append(b, ` · ${d.method_used} · ${d.source} `, code);
    this.els.recent.prepend(li);
    while (this.els.recent.children.length > 50) this.els.recent.lastChild.remove();
    this.status('listening');
  }

  draw() {
    const now = Math.floor(Date.now() / 1000);
    for (const s of this.perSecond.keys()) if (s < now - WINDOW_S) this.perSecond.delete(s);
    const labels = new Set(this.labels);
    for (const m of this.perSecond.values()) for (const l of m.keys()) labels.add(l);
    const names = [...labels].sort();
    const xs = Array.from({ length: WINDOW_S }, (_, i) => now - WINDOW_S + 1 + i);
    const data = [xs, ...names.map((l) => xs.map((s) => this.perSecond.get(s)?.get(l) ?? 0))];
    if (!this.plot || names.join() !== this.labels.join()) {
      this.labels = names;
      this.plot?.destroy();
      this.plot = new uPlot({
        width: Math.max(280, Math.min(900, this.els.chart.clientWidth || 600)),
        height: 220, axes: [{}, { size: 50 }],
        scales: { y: { range: (u, min, max) => [0, Math.max(1, max) * 1.1] } },
        series: [{}, ...names.map((l, i) => ({ label: l, stroke: COLORS[i % COLORS.length], width: 2 }))],
      }, data, this.els.chart);
    } else {
      this.plot.setData(data);
    }
  }

  // logsieve_rule_hits_total{rule="..."} N lines of /metrics, most hits first.
  async loadRules() {
    let text;
    try {
      text = await getText('/metrics');
    } catch {
      return;
    }
    const hits = [];
    for (const m of text.matchAll(/^logsieve_rule_hits_total\{rule="((?:[^"\\]|\\.)*)"\} (\S+)$/gm)) {
      hits.push([m[1].replace(/\\(.)/g, '$1'), Number(m[2])]);
    }
    hits.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    this.els.rules.replaceChildren(...hits.map(([rule, n]) => {
      const tr = document.createElement('tr');
      const a = document.createElement('td');
      a.textContent = rule;
      const b = document.createElement('td');
      b.textContent = String(n);
      tr.append(a, b);
      return tr;
    }));
  }

  resize() {
    this.plot?.setSize({ width: Math.max(280, Math.min(900, this.els.chart.clientWidth || 600)), height: 220 });
  }
}
