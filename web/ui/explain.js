// The explain panel (doc/ui.md): one classified row's decision (the line
// with the rule's match marked, source, label, method, confidence, rule,
// template, cache) and a correction form (POST /v1/feedback).

import { postJson } from './api.js';
import { formatConfidence } from './csv.js';

// A correction of one line, as the Review view also sends it.
export function correct(source, message, label) {
  return postJson('/v1/feedback', { source, log_message: message, target_label: label });
}

function entry(dl, term, value) {
  const dt = document.createElement('dt');
  dt.textContent = term;
  const dd = document.createElement('dd');
  if (value instanceof Node) dd.appendChild(value); else dd.textContent = value;
  dl.append(dt, dd);
}

// The line with [begin, end) — bytes of its UTF-8 — marked.
function markedLine(message, span) {
  const code = document.createElement('code');
  if (!span) { code.textContent = message; return code; }
  const bytes = new TextEncoder().encode(message);
  const dec = new TextDecoder();
  const mark = document.createElement('mark');
  mark.textContent = dec.decode(bytes.slice(span[0], span[1]));
  code.append(dec.decode(bytes.slice(0, span[0])), mark, dec.decode(bytes.slice(span[1])));
  return code;
}

export class ExplainPanel {
  // els: {panel, body, close, form, label, status, back}; labels(): the label set's names.
  constructor(els, labels) {
    this.els = els;
    this.labels = labels;
    this.row = null;
    els.close.addEventListener('click', () => { this.close(); els.back.focus(); });
    els.panel.addEventListener('keydown', (e) => { if (e.key === 'Escape') els.close.click(); });
    els.form.addEventListener('submit', (e) => { e.preventDefault(); this.submit(); });
  }

  close() { this.els.panel.hidden = true; }

  open(row) {
    this.row = row;
    const dl = this.els.body;
    dl.replaceChildren();
    const x = row.explain || {};
    entry(dl, 'Line', markedLine(row.message, x.rule_span));
    entry(dl, 'Source', row.source);
    entry(dl, 'Label', row.label ?? '(pending)');
    entry(dl, 'Method', row.method ?? '');
    entry(dl, 'Confidence', formatConfidence(row.confidence) || '—');
    if (x.rule_id) entry(dl, 'Rule', x.rule_id);
    if (x.template) entry(dl, 'Template', x.template);
    if ('cached' in x) entry(dl, 'From the cache', x.cached ? 'yes' : 'no');
    const detail = document.createElement('pre');
    detail.textContent = row.detail || '';
    // A degraded answer's detail says why the LLM was not asked, not what the model saw.
    const heading = row.degraded ? 'Detail'
      : row.method === 'LLM' ? "LLM's reason" : row.method === 'ML' ? "Model's features" : 'Detail';
    entry(dl, heading, detail);
    const labels = this.labels();
    this.els.label.value = labels.includes(row.label) ? row.label : labels[0];
    this.els.status.textContent = '';
    this.els.panel.hidden = false;
    this.els.panel.focus();
  }

  async submit() {
    const row = this.row;
    const label = this.els.label.value;
    try {
      await correct(row.source, row.message, label);
      this.els.status.textContent = `saved: ${label}`;
    } catch (err) {
      this.els.status.textContent = `not saved: ${err.message}`;
    }
  }
}
