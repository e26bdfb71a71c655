// The Learn view: the model registry (GET /v1/models), a candidate trained
// and gated beside the current model (POST /v1/learn, never activated by
// itself), then promotion by a person (POST /v1/models/activate) and a reload
// of the running server (POST /admin/reload, where the server has it).

import { ApiError, getJson, postJson } from './api.js';

function cell(tr, text, tag = 'td') {
  const el = document.createElement(tag);
  el.textContent = text;
  tr.appendChild(el);
  return el;
}

function accuracy(metadata, set, which) {
  const a = metadata?.metrics?.[set]?.[which]?.accuracy;
  return typeof a === 'number' ? a.toFixed(3) : '—';
}

export class LearnView {
  constructor(els) {
    this.els = els;  // {train, status, versions, report}
    els.train.addEventListener('click', () => this.train());
  }

  status(text) { this.els.status.textContent = text; }

  async load() {
    try {
      const r = await getJson('/v1/models');
      this.els.versions.replaceChildren(...r.versions.slice().reverse().map((v) => {
        const tr = document.createElement('tr');
        cell(tr, v.version + (v.active ? ' (active)' : ''));
        cell(tr, v.metadata.created_at ?? '');
        cell(tr, v.metadata.parent ?? '');
        cell(tr, v.metadata.promoted ? 'passed' : 'failed');
        cell(tr, `${accuracy(v.metadata, 'ood dev', 'current')} → ${accuracy(v.metadata, 'ood dev', 'candidate')}`);
        cell(tr, `${accuracy(v.metadata, 'store holdout', 'current')} → ${accuracy(v.metadata, 'store holdout', 'candidate')}`);
        const td = cell(tr, '');
        if (!v.active) {
          const b = document.createElement('button');
          b.type = 'button';
          b.textContent = `Activate ${v.version}`;
          b.addEventListener('click', () => this.activate(v.version));
          td.appendChild(b);
        }
        return tr;
      }));
      this.status(`registry ${r.registry}: ${r.versions.length} versions, active ${r.active ?? 'none'}`);
    } catch (e) {
      this.status(e.message);
    }
  }

  async train() {
    this.els.train.disabled = true;
    this.status('training a candidate on the store and gating it against the current model…');
    try {
      const report = await postJson('/v1/learn', {});
      this.showReport(report);
      await this.load();
      this.status(report.promoted ? `${report.version} passed the gate; it is not active until you activate it`
                                  : `${report.version} did not pass the gate: ${report.reasons.join('; ')}`);
    } catch (e) {
      this.status(`not trained: ${e.message}`);
    } finally {
      this.els.train.disabled = false;
    }
  }

  // Both models per label, per evaluation set.
  showReport(report) {
    const out = this.els.report;
    out.replaceChildren();
    const h = document.createElement('h3');
    h.textContent = `Candidate ${report.version} beside the current model (${report.parent})`;
    const p = document.createElement('p');
    p.textContent = `Trained on ${report.base_rows} base rows, ${report.corrections} corrections, ` +
                    `${report.llm_rows} LLM answers; ${report.promoted ? 'passed the gate' : 'did not pass: ' + report.reasons.join('; ')}.`;
    out.append(h, p);
    for (const set of report.sets) {
      const table = document.createElement('table');
      table.className = 'rule-hits';
      const cap = document.createElement('caption');
      cap.textContent = `${set.name}: accuracy ${set.current.accuracy?.toFixed?.(3) ?? '—'} → ${set.candidate.accuracy?.toFixed?.(3) ?? '—'}`;
      const head = document.createElement('tr');
      for (const t of ['label', 'support', 'F1 current', 'F1 candidate']) cell(head, t, 'th');
      table.append(cap, head);
      const current = new Map((set.current.per_class ?? []).map((c) => [c.label, c]));
      for (const c of set.candidate.per_class ?? []) {
        if (!c.support) continue;
        const tr = document.createElement('tr');
        cell(tr, c.label);
        cell(tr, String(c.support));
        cell(tr, current.get(c.label)?.f1?.toFixed(3) ?? '—');
        cell(tr, c.f1.toFixed(3));
        table.appendChild(tr);
      }
      out.appendChild(table);
    }
  }

  async activate(version) {
    try {
      const r = await postJson('/v1/models/activate', { version });
      let reload;
      try {
        await postJson('/admin/reload', {});
        reload = `the server reloaded its files (it serves ${version} when model.file is ${r.active_model})`;
      } catch (e) {
        const why = e instanceof ApiError && e.status !== 404 ? ` (reload refused: ${e.message})` : '';
        reload = `restart the server to load it (model.file = ${r.active_model})${why}`;
      }
      await this.load();  // the list first: the status says the whole change is shown
      this.status(`${version} is active: ${reload}`);
    } catch (e) {
      this.status(`not activated: ${e.message}`);
    }
  }
}
