// The Review view (doc/ui.md): the store's queue (GET /v1/review), keyboard
// driven: j/k or the arrows move, 1–9 pick a label, Enter or a saves the pick
// as a correction.

import { getJson } from './api.js';
import { formatConfidence } from './csv.js';
import { correct } from './explain.js';

export class ReviewView {
  // els: {list, status, reload}; labels(): the label set's names.
  constructor(els, labels) {
    this.els = els;
    this.labels = labels;
    this.items = [];
    this.at = 0;
    this.picks = new Map();
    els.list.addEventListener('keydown', (e) => this.key(e));
    els.reload.addEventListener('click', () => this.load());
  }

  status(text) { this.els.status.textContent = text; }

  async load() {
    this.status('loading…');
    try {
      this.items = (await getJson('/v1/review?limit=100')).items;
      this.at = 0;
      this.picks.clear();
      this.status(`${this.items.length} templates to review`);
    } catch (e) {
      this.items = [];
      this.status(e.message);
    }
    this.draw();
  }

  draw() {
    const list = this.els.list;
    list.replaceChildren(...this.items.map((item, i) => {
      const li = document.createElement('li');
      li.className = i === this.at ? 'current' : '';
      if (item.saved) li.classList.add('saved');
      const pick = this.picks.get(i) ?? item.label;
      const head = document.createElement('div');
      const b = document.createElement('strong');
      b.textContent = pick;
      head.append(b, ` · ${item.method} · ${formatConfidence(item.confidence) || '—'} · ` +
                     `${item.count}× · ${item.source} · ${item.reasons.join(', ')}`,
                  item.saved ? ` · saved` : '');
      const code = document.createElement('code');
      code.textContent = item.examples[0] ?? item.template;
      li.append(head, code);
      li.addEventListener('click', () => { this.at = i; this.draw(); });
      return li;
    }));
    list.children[this.at]?.scrollIntoView({ block: 'nearest' });
  }

  async accept() {
    const item = this.items[this.at];
    if (!item) return;
    const label = this.picks.get(this.at) ?? item.label;
    try {
      await correct(item.source, item.examples[0] ?? item.template, label);
      item.saved = true;
      item.label = label;
      this.status(`saved ${label}`);
      this.at = Math.min(this.items.length - 1, this.at + 1);
    } catch (e) {
      this.status(`not saved: ${e.message}`);
    }
    this.draw();
  }

  key(e) {
    const labels = this.labels();
    if (e.key === 'j' || e.key === 'ArrowDown') this.at = Math.min(this.items.length - 1, this.at + 1);
    else if (e.key === 'k' || e.key === 'ArrowUp') this.at = Math.max(0, this.at - 1);
    else if (/^[1-9]$/.test(e.key) && labels[Number(e.key) - 1]) this.picks.set(this.at, labels[Number(e.key) - 1]);
    else if (e.key === 'Enter' || e.key === 'a') { e.preventDefault(); this.accept(); return; }
    else return;
    e.preventDefault();
    this.draw();
  }
}
