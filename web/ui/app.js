// The logsieve dashboard (doc/ui.md): Classify (upload, streamed results,
// filters, charts, explanations, corrections) and Review (the store's queue,
// keyboard driven). Plain ES modules, no build step.

import { apiKey, classifyCsvFile, classifyStream, getJson, getText, setApiKey,
         whenUnauthorized } from './api.js';
import { CsvError, csvRow, formatConfidence, parseCsv } from './csv.js';
import { Charts } from './charts.js';
import { ExplainPanel } from './explain.js';
import { LearnView } from './learn.js';
import { LiveView } from './live.js';
import { ReviewView } from './review.js';
import { ResultTable } from './table.js';

const $ = (id) => document.getElementById(id);
const CHUNK_LINES = 2000;  // lines per /v1/classify/stream request
const DECISION_COLUMNS = ['target_label', 'method_used', 'confidence', 'degraded'];

const state = {
  labels: [],
  rows: [],       // {index, source, message, fields, label, method, confidence, detail, error}
  columns: null,  // the CSV header when the input was a CSV, else null
  order: new Int32Array(0),
  sort: { key: 'index', dir: 1 },
  abort: null,
};

// ---------------------------------------------------------------------------
// Views and the API key.

function show(view) {
  for (const b of document.querySelectorAll('nav button')) {
    if (b.dataset.view === view) b.setAttribute('aria-current', 'page');
    else b.removeAttribute('aria-current');
  }
  for (const s of document.querySelectorAll('.view')) s.hidden = s.id !== `view-${view}`;
  explain.close();  // the explain panel belongs to the classify view's rows
  if (view === 'review') review.load();
  if (view === 'classify') charts.resize();
  if (view === 'live') { live.start(); live.draw(); } else live.stop();
  if (view === 'learn') learn.load();
}

function askKey(detail) {
  const dialog = $('key-dialog');
  $('key-error').hidden = !detail;
  $('key-error').textContent = detail || '';
  if (!dialog.open) dialog.showModal();
  $('key-input').focus();
}

whenUnauthorized((detail) => askKey(detail));

$('key-form').addEventListener('submit', () => {
  setApiKey($('key-input').value.trim());
  $('key-input').value = '';
  checkAccess();
});
$('key-forget').addEventListener('click', () => { setApiKey(''); $('key-dialog').close(); checkAccess(); });
$('key-button').addEventListener('click', () => askKey(''));

// GET / is public and says whether the API needs a key (server.api_keys);
// a key given is tried on /metrics, which needs it too (a 401 asks again).
async function checkAccess() {
  let health;
  try {
    health = await getJson('/');
  } catch (e) {
    $('server-status').textContent = `server unreachable: ${e.message}`;
    return;
  }
  state.labels = health.labels;
  // "model: registry v0003, /path (...)" -> "model registry v0003": which model runs.
  const model = (health.stage_details || []).find((d) => d.startsWith('model: '));
  const origin = model ? ` · model ${model.slice(7).split(',')[0]}` : '';
  $('server-status').textContent =
    `${health.status} · ${health.version} · ${health.stages.join(' → ')}${origin}`;
  fillLabels();
  $('key-button').hidden = !health.auth_required;
  if (!health.auth_required) return;
  if (!apiKey()) { askKey(''); return; }
  try {
    await getText('/metrics');
  } catch {
    return;  // 401: asked again already
  }
  $('key-button').textContent = 'API key ✓';
}

function fillLabels() {
  const select = $('correct-label');
  select.replaceChildren(...state.labels.map((l) => new Option(l, l)));
  $('review-labels').replaceChildren(...state.labels.slice(0, 9).map((l, i) => {
    const li = document.createElement('li');
    li.innerHTML = '<kbd></kbd> ';
    li.firstChild.textContent = String(i + 1);
    li.append(l);
    return li;
  }));
}

// ---------------------------------------------------------------------------
// Classify: input → NDJSON stream requests → rows.

function setError(message) {
  $('error').hidden = !message;
  $('error').textContent = message || '';
}

function setBusy(busy) {
  $('cancel').disabled = !busy;
  $('paste-go').disabled = busy;
  $('file-input').disabled = busy;
  $('download').disabled = busy || state.rows.length === 0;
}

// Rows of a file or pasted text, by kind: CSV (header with log_message),
// NDJSON (each line an object), else one log line per line.
function rowsOf(name, text) {
  const lower = name.toLowerCase();
  if (lower.endsWith('.csv')) {
    if (text.includes('\0')) throw new CsvError('holds NUL bytes');
    const table = parseCsv(text);
    if (!table.length) throw new CsvError('empty input');
    const header = table[0];
    const trimmed = header.map((h) => h.trim());
    const src = trimmed.indexOf('source'), msg = trimmed.indexOf('log_message');
    if (msg < 0) throw new CsvError('missing column log_message');
    const rows = [];
    for (let i = 1; i < table.length; i++) {
      const f = table[i];
      if (f.length !== header.length) throw new CsvError(`row ${i + 1}: ${f.length} fields`);
      rows.push({ source: src >= 0 ? f[src].trim() : 'unknown', message: f[msg].trim(), fields: f });
    }
    return { columns: header, rows };
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim());
  if (/\.(ndjson|jsonl|json)$/.test(lower)) {
    return { columns: null, rows: lines.map((l) => {
      let o = null;
      try { o = JSON.parse(l); } catch { /* the server names the bad line */ }
      return { source: (o && typeof o.source === 'string' ? o.source.trim() : 'unknown'),
               message: (o && typeof o.log_message === 'string' ? o.log_message.trim() : l), raw: l };
    }) };
  }
  return { columns: null, rows: lines.map((l) => ({ source: 'unknown', message: l.trim() })) };
}

function applyAnswer(row, a) {
  if ('target_label' in a) {
    row.label = a.target_label;
    row.method = a.method_used;
    row.confidence = a.confidence;
    row.degraded = a.degraded === true;  // a fallback guess (LLM down, no key), not an answer
    row.detail = a.detail;
    if (a.explain) row.explain = a.explain;
  } else {
    row.error = a.detail;
    row.label = '(error)';
    row.method = '';
    row.confidence = null;
    row.detail = a.detail;
  }
}

// `picked`: when the file was chosen (performance.now()), so that timings
// include reading and parsing it.
async function classify(name, text, file, picked = performance.now()) {
  state.abort?.abort();
  setError('');
  let input;
  try {
    input = rowsOf(name, text);
  } catch (e) {
    if (!(e instanceof CsvError) || !file) { setError(e.message); return; }
    // The page's reader refused the file: the server's CSV reader is the
    // authority, so it is asked, and its message (line and field) is shown.
    return classifyWhole(file);
  }
  start(input.columns, input.rows.map((r, index) => ({ index, ...r, label: null })));
  const abort = new AbortController();
  state.abort = abort;
  setBusy(true);
  // Read by bench/ui_upload.mjs: from the file read to the first answer shown
  // and to every row in the table.
  state.timing = { start: picked, first: null, done: null };
  let done = 0;
  try {
    for (let at = 0; at < state.rows.length; at += CHUNK_LINES) {
      const chunk = state.rows.slice(at, at + CHUNK_LINES);
      const lines = chunk.map((r) => r.raw ?? JSON.stringify({ source: r.source, log_message: r.message }));
      let k = 0;
      await classifyStream(lines, (a) => {
        if (k < chunk.length) applyAnswer(chunk[k++], a);
        done = at + k;
        progress(done);
      }, abort.signal);
    }
    progress(done, `${done} rows classified in ${((performance.now() - picked) / 1000).toFixed(1)} s`);
    requestAnimationFrame(() => { state.timing.done = performance.now(); });
  } catch (e) {
    if (e.name === 'AbortError') progress(done, `cancelled after ${done} of ${state.rows.length} rows`);
    else setError(e.message);
  } finally {
    if (state.abort === abort) state.abort = null;
    setBusy(false);
    refresh();
  }
}

// A CSV the page could not read goes whole to POST /classify/.
async function classifyWhole(file) {
  const abort = new AbortController();
  state.abort = abort;
  setBusy(true);
  progress(0, 'sent to the server as a whole…');
  try {
    const text = await classifyCsvFile(file, abort.signal);
    const table = parseCsv(text);
    const header = table[0];
    const at = DECISION_COLUMNS.map((c) => header.indexOf(c));
    const cols = header.filter((_, i) => !at.includes(i));
    const trimmed = cols.map((h) => h.trim());
    start(cols, table.slice(1).map((f, index) => {
      const fields = f.filter((_, i) => !at.includes(i));
      return { index, fields, source: fields[trimmed.indexOf('source')]?.trim() ?? 'unknown',
               message: fields[trimmed.indexOf('log_message')]?.trim() ?? '',
               label: f[at[0]], method: f[at[1]], confidence: f[at[2]] === '' ? null : Number(f[at[2]]),
               degraded: f[at[3]] === 'true', detail: '' };
    }));
    progress(state.rows.length, `${state.rows.length} rows classified`);
  } catch (e) {
    if (e.name !== 'AbortError') setError(e.message);
    progress(0, '');
  } finally {
    if (state.abort === abort) state.abort = null;
    setBusy(false);
    refresh();
  }
}

function start(columns, rows) {
  state.columns = columns;
  state.rows = rows;
  for (const id of ['f-label', 'f-method', 'f-source']) $(id).length = 1;
  $('charts').hidden = false;
  progress(0);
  refresh();
}

let lastDraw = 0;
function progress(done, text) {
  const total = state.rows.length || 1;
  $('progress').max = total;
  $('progress').value = done;
  $('progress-text').textContent = text ?? `${done} / ${state.rows.length} rows`;
  const now = performance.now();
  // The first answers are shown at once; then the table and charts follow at
  // most every 200 ms (a refresh filters and sorts every row).
  const first = done > 0 && state.timing?.first === null;
  if (text !== undefined || first || now - lastDraw > 200) {
    lastDraw = now;
    refresh();
  }
  if (first) {
    state.timing.first = -1;
    requestAnimationFrame(() => { state.timing.first = performance.now(); });
  }
}

$('file-input').addEventListener('change', async () => {
  const file = $('file-input').files[0];
  const picked = performance.now();
  if (file) classify(file.name, await file.text(), file, picked);
  $('file-input').value = '';
});
const drop = $('drop-zone');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', async (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  const file = e.dataTransfer.files[0];
  const picked = performance.now();
  if (file) classify(file.name, await file.text(), file, picked);
});
$('paste-go').addEventListener('click', () => classify('pasted.log', $('paste-input').value, null));
$('cancel').addEventListener('click', () => state.abort?.abort());

// ---------------------------------------------------------------------------
// Filters, sort, table, charts.

const table = new ResultTable($('tbody'), $('spacer'), { onOpen: (row) => explain.open(row) });
const charts = new Charts($('chart-label'), $('chart-method'), $('chart-confidence'));

function addOptions(select, values) {
  const have = new Set([...select.options].map((o) => o.value));
  for (const v of [...values].sort()) if (!have.has(v)) select.add(new Option(v, v));
}

function refresh() {
  const labels = new Set(), methods = new Set(), sources = new Set();
  for (const r of state.rows) {
    if (r.label != null) { labels.add(r.label); methods.add(r.method); }
    sources.add(r.source);
  }
  addOptions($('f-label'), labels);
  addOptions($('f-method'), methods);
  addOptions($('f-source'), sources);

  const label = $('f-label').value, method = $('f-method').value, source = $('f-source').value;
  const degraded = $('f-degraded').value;  // '', 'yes' or 'no'

  const cmin = Number($('f-cmin').value || 0), cmax = Number($('f-cmax').value || 1);
  const text = $('f-text').value.toLowerCase();
  const confFiltered = cmin > 0 || cmax < 1;
  const keep = [];
  for (let i = 0; i < state.rows.length; i++) {
    const r = state.rows[i];
    if (label && r.label !== label) continue;
    if (method && r.method !== method) continue;
    if (degraded && (degraded === 'yes') !== !!r.degraded) continue;
    if (source && r.source !== source) continue;
    if (confFiltered && (r.confidence == null || r.confidence < cmin || r.confidence > cmax)) continue;
    if (text && !r.message.toLowerCase().includes(text) && !(r.detail || '').toLowerCase().includes(text)) continue;
    keep.push(i);
  }
  const { key, dir } = state.sort;
  if (key !== 'index' || dir !== 1) {
    const rows = state.rows;
    const value = key === 'index' ? (r) => r.index : (r) => r[key];
    keep.sort((a, b) => {
      const x = value(rows[a]), y = value(rows[b]);
      if (x == null && y == null) return a - b;
      if (x == null) return 1;  // undecided last, whichever the direction
      if (y == null) return -1;
      const c = typeof x === 'number' ? x - y : String(x).localeCompare(String(y));
      return c ? c * dir : a - b;
    });
  }
  state.order = Int32Array.from(keep);
  table.setRows(state.rows, state.order);
  $('shown').textContent = `${state.order.length} of ${state.rows.length} rows shown`;
  charts.update(state.rows);
}

for (const id of ['f-label', 'f-method', 'f-degraded', 'f-source', 'f-cmin', 'f-cmax', 'f-text']) {
  $(id).addEventListener('input', refresh);
}
for (const b of document.querySelectorAll('.thead button')) {
  b.addEventListener('click', () => {
    const key = b.dataset.sort;
    state.sort = { key, dir: state.sort.key === key ? -state.sort.dir : 1 };
    $('tbody').scrollTop = 0;
    for (const o of document.querySelectorAll('.thead button')) o.removeAttribute('aria-sort');
    b.setAttribute('aria-sort', state.sort.dir > 0 ? 'ascending' : 'descending');
    refresh();
  });
}

// The rows shown (filters and sort applied) as POST /classify/ writes them:
// the input's columns with target_label, method_used, confidence, degraded (a
// column of that name overwritten in place, else appended).
function downloadCsv() {
  const columns = state.columns ?? ['source', 'log_message'];
  const header = [...columns];
  const slot = DECISION_COLUMNS.map((c) => {
    const at = columns.findIndex((h) => h.trim() === c);
    if (at >= 0) return at;
    header.push(c);
    return header.length - 1;
  });
  let out = csvRow(header);
  for (const i of state.order) {
    const r = state.rows[i];
    const f = state.columns ? [...r.fields] : [r.source, r.message];
    const values = [r.label ?? 'Unclassified', r.method ?? 'None', formatConfidence(r.confidence),
                    r.degraded ? 'true' : 'false'];
    slot.forEach((at, k) => { f[at] = values[k]; });
    out += csvRow(f);
  }
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([out], { type: 'text/csv' }));
  a.download = 'classified.csv';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}
$('download').addEventListener('click', downloadCsv);

const explain = new ExplainPanel({ panel: $('explain'), body: $('explain-body'), close: $('explain-close'),
                                   form: $('correct-form'), label: $('correct-label'),
                                   status: $('correct-status'), back: $('tbody') }, () => state.labels);
const review = new ReviewView({ list: $('review-list'), status: $('review-status'), reload: $('review-reload') },
                              () => state.labels);
const live = new LiveView({ toggle: $('live-toggle'), status: $('live-status'), chart: $('live-chart'),
                            recent: $('live-recent'), rules: $('live-rules') });
const learn = new LearnView({ train: $('learn-train'), status: $('learn-status'), versions: $('learn-versions'),
                              report: $('learn-report') });
for (const b of document.querySelectorAll('nav button')) b.addEventListener('click', () => show(b.dataset.view));
window.addEventListener('resize', () => { charts.resize(); live.resize(); });
window.logsieveUi = { table, state, charts, live };  // for the browser test and the benchmark
checkAccess();
