// The dashboard (/ui/) in headless Chromium against real `logsieve serve`
// processes (ui_test.sh starts them). Every request that is not to loopback
// is blocked and fails the test. Each check runs at 1280×800 and 390×844,
// fails on any console error or page error it did not expect, and tabs
// through the view to prove every control is reachable by keyboard.
//
//   node tests/browser/ui_test.mjs --open URL --keyed URL --key KEY --csv FILE
//        --store DB --logsieve BIN --work DIR [--shots DIR]
//
// Exit codes: 0 pass, 1 fail, 77 skipped (no chromium / playwright-core).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SKIP = 77;
const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].slice(2)] = process.argv[i + 1];
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
if (!existsSync(chromiumPath)) { console.log(`SKIPPED ui_test: no chromium at ${chromiumPath}`); process.exit(SKIP); }
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch {
  console.log('SKIPPED ui_test: playwright-core is not installed (npm ci)');
  process.exit(SKIP);
}
if (args.shots) mkdirSync(args.shots, { recursive: true });

const VIEWPORTS = [{ width: 1280, height: 800 }, { width: 390, height: 844 }];
const csvText = readFileSync(args.csv, 'utf8');

// --- helpers -----------------------------------------------------------------

class Failure extends Error {}
function expect(ok, what) { if (!ok) throw new Failure(what); }

// What the server's own CSV endpoint answers for a file: the reference the
// page's table and download are checked against.
async function serverCsv(base, name, text) {
  const form = new FormData();
  form.append('file', new Blob([text], { type: 'text/csv' }), name);
  const res = await fetch(`${base}/classify/`, { method: 'POST', body: form });
  if (res.status !== 200) throw new Error(`/classify/ answered ${res.status}`);
  return res.text();
}

// Minimal CSV reader for the reference answers (quoted fields with commas,
// doubled quotes; newlines inside quotes not used by make_corpus.sh).
function csvRows(text) {
  const rows = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const f = [];
    let i = 0;
    while (i <= line.length) {
      while (line[i] === ' ' && line[i + 1] === '"') i++;
      if (line[i] === '"') {
        let v = '';
        i++;
        for (;;) {
          const q = line.indexOf('"', i);
          v += line.slice(i, q);
          if (line[q + 1] === '"') { v += '"'; i = q + 2; } else { i = q + 1; break; }
        }
        f.push(v);
        i = line.indexOf(',', i) < 0 ? line.length + 1 : line.indexOf(',', i) + 1;
      } else {
        const c = line.indexOf(',', i);
        f.push(line.slice(i, c < 0 ? line.length : c));
        i = c < 0 ? line.length + 1 : c + 1;
      }
    }
    rows.push(f);
  }
  return rows;
}

async function open(page, base) {
  await page.goto(`${base}/ui/`, { waitUntil: 'load' });
  await page.waitForFunction(() => /^(ok|loading)/.test(document.getElementById('server-status').textContent));
}

async function upload(page, name, text, rows) {
  await page.setInputFiles('#file-input', { name, mimeType: 'text/csv', buffer: Buffer.from(text) });
  if (rows !== undefined) {
    await page.waitForFunction((n) => document.getElementById('progress-text').textContent.startsWith(`${n} rows classified`),
                               rows, { timeout: 30000 });
  }
}

// Tabs through the page and fails unless every visible, enabled control of the
// shown view (and the header) gets the focus.
async function everyControlReachable(page) {
  const want = await page.evaluate(() => {
    const visible = (el) => el.checkVisibility({ visibilityProperty: true }) && !el.closest('[hidden]');
    const els = [...document.querySelectorAll('button, input, select, textarea, [tabindex="0"]')]
      .filter((el) => visible(el) && !el.disabled && !el.closest('dialog'));
    els.forEach((el, i) => { el.dataset.tabId = String(i); });
    return els.map((el) => el.id || el.textContent.trim().slice(0, 20) || el.tagName);
  });
  await page.evaluate(() => document.activeElement?.blur());
  await page.locator('body').focus();
  const reached = new Set();
  for (let i = 0; i < want.length * 2 + 5; i++) {
    await page.keyboard.press('Tab');
    const id = await page.evaluate(() => document.activeElement?.dataset?.tabId);
    if (id !== undefined) reached.add(Number(id));
    if (reached.size === want.length) break;
  }
  const missed = want.filter((_, i) => !reached.has(i));
  expect(missed.length === 0, `not reachable by keyboard: ${missed.join(', ')}`);
}

// --- the checks --------------------------------------------------------------

const checks = [];
function check(name, fn, { base = args.open, expectedErrors = [] } = {}) {
  checks.push({ name, fn, base, expectedErrors });
}

let reference = null;  // the server's CSV answer for args.csv
async function referenceRows() {
  if (!reference) reference = await serverCsv(args.open, 'logs.csv', csvText);
  return { text: reference, rows: csvRows(reference) };
}

check('UploadingA1000RowCsvShowsEveryRowAndTheCharts', async (page, vp) => {
  await open(page, args.open);
  await upload(page, 'logs.csv', csvText, 1000);
  expect(await page.textContent('#shown') === '1000 of 1000 rows shown', `shown: ${await page.textContent('#shown')}`);
  const { rows } = await referenceRows();
  const labels = await page.evaluate(() => window.logsieveUi.state.rows.map((r) => r.label));
  const want = rows.slice(1).map((f) => f[3]);
  expect(labels.length === 1000, `${labels.length} rows`);
  const differ = labels.findIndex((l, i) => l !== want[i]);
  expect(differ < 0, `row ${differ + 1}: page says ${labels[differ]}, /classify/ says ${want[differ]}`);
  const domRows = await page.locator('#tbody .row:not([hidden])').count();
  expect(domRows > 5 && domRows < 120, `${domRows} rows in the DOM (virtual scrolling keeps it small)`);
  // The charts redraw at most every 250 ms: wait for the one after the last row.
  await page.waitForFunction(() => window.logsieveUi.charts.byLabel.plot.data[1].reduce((a, b) => a + b, 0) === 1000,
                             null, { timeout: 5000 }).catch(() => {});
  const charted = await page.evaluate(() => {
    const c = window.logsieveUi.charts;
    const sum = (a) => a.reduce((x, y) => x + y, 0);
    return { label: sum(c.byLabel.plot.data[1]), method: sum(c.byMethod.plot.data[1]),
             canvases: document.querySelectorAll('#charts canvas').length };
  });
  expect(charted.label === 1000 && charted.method === 1000, `charts count ${JSON.stringify(charted)}`);
  expect(charted.canvases >= 3, `${charted.canvases} chart canvases`);
  await page.evaluate(() => window.scrollTo(0, 0));
  if (vp.width === 1280) await shot(page, 'classify', { x: 0, y: 0, width: 1280, height: 600 });
  if (vp.width === 390) await shot(page, 'classify-narrow');
  await everyControlReachable(page);
});

check('CancelStopsAnUploadAndThePageGoesOn', async (page) => {
  await open(page, args.open);
  const big = readFileSync(args.big, 'utf8');
  const total = big.split('\n').filter((l) => l).length - 1;
  await upload(page, 'big.csv', big);
  await page.waitForFunction(() => document.getElementById('progress').value > 0, null, { timeout: 30000 });
  await page.click('#cancel');
  await page.waitForFunction(() => document.getElementById('progress-text').textContent.startsWith('cancelled'));
  const { decided, rows } = await page.evaluate(() => {
    const { state } = window.logsieveUi;
    return { decided: state.rows.filter((r) => r.label != null).length, rows: state.rows.length };
  });
  expect(rows === total && decided > 0 && decided < total, `${decided} of ${rows} rows decided after Cancel`);
  expect(await page.isDisabled('#cancel'), 'Cancel stays enabled');
  await upload(page, 'logs.csv', csvText, 1000);
});

check('FiltersSortAndDownloadMatchTheServersCsv', async (page) => {
  await open(page, args.open);
  await upload(page, 'logs.csv', csvText, 1000);
  const { text, rows } = await referenceRows();
  // Unfiltered: the download is byte for byte what POST /classify/ answers.
  expect(await download(page) === text, 'the downloaded CSV differs from /classify/');
  // Filtered by the most frequent label.
  const counts = new Map();
  for (const f of rows.slice(1)) counts.set(f[3], (counts.get(f[3]) || 0) + 1);
  const [label, n] = [...counts].sort((a, b) => b[1] - a[1])[0];
  await page.selectOption('#f-label', label);
  expect(await page.textContent('#shown') === `${n} of 1000 rows shown`, `label filter: ${await page.textContent('#shown')}, want ${n}`);
  const filtered = [text.split('\n')[0], ...text.split('\n').slice(1).filter((l, i) => rows[i + 1]?.[3] === label)];
  expect(await download(page) === filtered.join('\n') + '\n', 'the filtered download differs');
  await page.selectOption('#f-label', '');
  // Confidence range and text.
  await page.fill('#f-cmin', '0.9');
  const high = rows.slice(1).filter((f) => f[5] !== '' && Number(f[5]) >= 0.9 && Number(f[5]) <= 1).length;
  expect(await page.textContent('#shown') === `${high} of 1000 rows shown`, `confidence filter: ${await page.textContent('#shown')}, want ${high}`);
  await page.fill('#f-cmin', '0');
  // Sorted by confidence, highest first: the order of the cells is non-increasing.
  await page.click('button[data-sort="confidence"]');
  await page.click('button[data-sort="confidence"]');
  const shownConf = await page.evaluate(() => {
    const { state } = window.logsieveUi;
    return [...state.order].map((i) => state.rows[i].confidence);
  });
  const bad = shownConf.findIndex((c, i) => i > 0 && c !== null && (shownConf[i - 1] === null || c > shownConf[i - 1]));
  expect(bad < 0, `not sorted by confidence at position ${bad}`);
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  const firstCell = Number(await page.locator('#tbody .row:not([hidden])').first().locator('span').nth(4).textContent());
  expect(firstCell === Math.max(...shownConf.filter((c) => c !== null)), `first row shows ${firstCell}`);
  await page.fill('#f-text', 'logged in');
  const withText = rows.slice(1).filter((f) => f[2].toLowerCase().includes('logged in')).length;
  const shown = await page.textContent('#shown');
  expect(Number(shown.split(' ')[0]) >= withText && withText > 0, `text filter: ${shown}, at least ${withText}`);
  // Degraded answers (no LLM key here): a filter of their own and a badge on each.
  await page.fill('#f-text', '');
  await page.selectOption('#f-method', '');
  await page.fill('#f-cmin', '');
  await page.fill('#f-cmax', '');
  const degraded = await page.evaluate(() => window.logsieveUi.state.rows.filter((r) => r.degraded).length);
  expect(degraded > 0, 'no degraded answer to filter (the LLM has no key here)');
  await page.selectOption('#f-degraded', 'yes');
  const shownDegraded = await page.textContent('#shown');
  expect(Number(shownDegraded.split(' ')[0]) === degraded, `degraded filter: ${shownDegraded}, want ${degraded}`);
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  const badge = await page.locator('#tbody .row:not([hidden]) .badge-degraded').first().textContent();
  expect(badge === 'degraded', `the first degraded row shows no badge (${badge})`);
  await page.selectOption('#f-degraded', '');
  await everyControlReachable(page);
});

check('ClickingARuleDecisionExplainsItWithTheMatchedSpan', async (page, vp) => {
  await open(page, args.open);
  await upload(page, 'logs.csv', csvText, 1000);
  await page.selectOption('#f-method', 'Regex');
  await page.locator('#tbody .row:not([hidden])').first().click();
  await page.waitForSelector('#explain:not([hidden])');
  const row = await page.evaluate(() => {
    const { state, table } = window.logsieveUi;
    return state.rows[state.order[table.current]];
  });
  const m = /\[(\d+),(\d+)\)/.exec(row.detail);
  expect(m, `a rule detail without a span: ${row.detail}`);
  const want = Buffer.from(row.message).subarray(Number(m[1]), Number(m[2])).toString();
  const marked = await page.textContent('#explain mark');
  expect(marked === want && want.length > 0, `marked "${marked}", the rule matched "${want}"`);
  const panel = await page.textContent('#explain');
  expect(panel.includes(row.explain.rule_id), 'the panel does not name the rule');
  expect(panel.includes('From the cache'), 'the panel does not say whether the cache answered');
  await page.evaluate(() => window.scrollTo(0, 0));
  if (vp.width === 1280) await shot(page, 'explain', { x: 640, y: 0, width: 640, height: 560 });
  await page.keyboard.press('Escape');
  expect(await page.isHidden('#explain'), 'Escape does not close the panel');
  // The keyboard opens it too: the table body, ArrowDown, Enter.
  await page.focus('#tbody');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#explain:not([hidden])');
  await everyControlReachable(page);
});

check('ACorrectionIsFoundInTheStore', async (page, vp) => {
  await open(page, args.open);
  await upload(page, 'logs.csv', csvText, 1000);
  const before = storeCorrections();
  await page.locator('#tbody .row:not([hidden])').nth(2).click();
  const row = await page.evaluate(() => {
    const { state, table } = window.logsieveUi;
    return state.rows[state.order[table.current]];
  });
  const labels = await page.evaluate(() => window.logsieveUi.state.labels);
  const other = labels.find((l) => l !== row.label);
  await page.selectOption('#correct-label', other);
  await page.click('#correct-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('correct-status').textContent.startsWith('saved'));
  const after = storeCorrections();
  expect(after.length === before.length + 1, `${after.length - before.length} corrections stored, want 1`);
  const c = after[after.length - 1];
  expect(c.log_message === row.message && c.target_label === other && c.source === row.source,
         `stored ${JSON.stringify(c)}`);
  await page.click('#explain-close');

  // The review queue: keyboard only.
  await page.click('nav button[data-view=review]');
  await page.waitForFunction(() => document.querySelectorAll('#review-list li').length > 0, null, { timeout: 15000 });
  const items = await page.evaluate(() => fetch('/v1/review?limit=100').then((r) => r.json()));
  await page.focus('#review-list');
  await page.keyboard.press('j');
  await page.keyboard.press('2');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('review-status').textContent.startsWith('saved'));
  const reviewed = storeCorrections();
  expect(reviewed.length === after.length + 1, 'the review correction was not stored');
  const r = reviewed[reviewed.length - 1];
  const item = items.items[1];
  expect(r.target_label === labels[1] && r.source === item.source, `review stored ${JSON.stringify(r)}`);
  await page.keyboard.press('k');
  expect(await page.evaluate(() => document.querySelector('#review-list li.current') ===
                                   document.querySelector('#review-list li:nth-child(2)')), 'k did not move up');
  if (vp.width === 1280) await shot(page, 'review', { x: 0, y: 0, width: 1280, height: 560 });
  await everyControlReachable(page);
});

check('AFileThatIsNotCsvShowsTheServersMessageAndThePageGoesOn', async (page) => {
  await open(page, args.open);
  const bad = 'source,log_message\nModernCRM,ok line\nModernCRM,one,too many\n';
  await upload(page, 'bad.csv', bad);
  await page.waitForSelector('#error:not([hidden])');
  const shown = await page.textContent('#error');
  const form = new FormData();
  form.append('file', new Blob([bad]), 'bad.csv');
  const server = await (await fetch(`${args.open}/classify/`, { method: 'POST', body: form })).json();
  expect(shown === server.detail, `the page shows "${shown}", the server said "${server.detail}"`);
  await upload(page, 'logs.csv', csvText, 1000);
  expect(await page.isHidden('#error'), 'the error stays after a good file');
  await everyControlReachable(page);
}, { expectedErrors: [/status of 400/] });

check('AnNdjsonFileIsClassifiedLineByLineAndABadLineIsShownInItsPlace', async (page) => {
  await open(page, args.open);
  const lines = ['{"source": "ModernCRM", "log_message": "User User5 logged in."}',
                 '{"source": "ModernCRM", "log_message": ',
                 '{"log_message": "Backup completed successfully."}'];
  await page.setInputFiles('#file-input', { name: 'logs.ndjson', mimeType: 'application/x-ndjson',
                                            buffer: Buffer.from(lines.join('\n') + '\n') });
  await page.waitForFunction(() => document.getElementById('progress-text').textContent.startsWith('3 rows classified'));
  const rows = await page.evaluate(() => window.logsieveUi.state.rows.map((r) => ({ label: r.label, source: r.source, error: r.error })));
  const res = await fetch(`${args.open}/v1/classify/stream`, { method: 'POST', body: lines.join('\n') + '\n' });
  const want = (await res.text()).trim().split('\n').map((l) => JSON.parse(l));
  expect(rows[0].label === want[0].target_label && rows[2].label === want[2].target_label,
         `labels ${rows.map((r) => r.label)}, the server says ${want.map((w) => w.target_label)}`);
  expect(rows[1].error === want[1].detail && want[1].line === 2, `the bad line shows "${rows[1].error}"`);
  expect(rows[2].source === 'unknown', `a line without source shows "${rows[2].source}"`);
  await everyControlReachable(page);
});

check('TheKeyPromptAppearsWhenApiKeysAreOn', async (page, vp) => {
  const urls = [];
  page.on('request', (r) => urls.push(r.url()));
  await page.goto(`${args.keyed}/ui/`, { waitUntil: 'load' });
  await page.waitForSelector('#key-dialog[open]');
  if (vp.width === 1280) await shot(page, 'key-prompt');
  await page.fill('#key-input', 'wrong-key');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => !document.getElementById('key-error').hidden);
  expect((await page.textContent('#key-error')).includes('Invalid'), 'no message for a wrong key');
  await page.fill('#key-input', args.key);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('key-button').textContent.includes('✓'));
  expect(!(await page.evaluate(() => document.getElementById('key-dialog').open)), 'the prompt stays open');
  expect(await page.evaluate(() => sessionStorage.getItem('logsieve.api_key')) === args.key, 'key not in sessionStorage');
  expect(await page.evaluate(() => localStorage.length) === 0, 'something was put in localStorage');
  await page.fill('#paste-input', 'User User7 logged in.\nBackup completed successfully.');
  await page.click('#paste-go');
  await page.waitForFunction(() => document.getElementById('progress-text').textContent.startsWith('2 rows classified'));
  expect(!urls.some((u) => u.includes(args.key)), 'the key went into a URL');
  await everyControlReachable(page);
}, { expectedErrors: [/status of 401/] });

check('TheLiveViewReceivesDecisionsSentByAnotherClient', async (page, vp) => {
  await open(page, args.open);
  await page.click('nav button[data-view=live]');
  await page.waitForFunction(() => document.getElementById('live-status').textContent.startsWith('listening'));
  const marker = `User live${process.pid}x${vp.width} logged in`;
  const res = await fetch(`${args.open}/v1/classify`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ logs: [{ source: 'ModernCRM', log_message: marker },
                                  { source: 'BillingSystem', log_message: 'Backup completed successfully.' }] }),
  });
  expect(res.status === 200, `the other client got ${res.status}`);
  const label = (await res.json()).results[0].target_label;
  await page.waitForFunction((m) => document.getElementById('live-recent').textContent.includes(m), marker,
                             { timeout: 10000 });
  const item = await page.locator('#live-recent li', { hasText: marker }).textContent();
  expect(item.startsWith(label), `the live view shows "${item}", the client was answered ${label}`);
  await page.waitForFunction(() => document.querySelectorAll('#live-rules tr').length > 0, null, { timeout: 5000 });
  // The rate chart counts them within its next redraw (every second).
  await page.waitForFunction(() => {
    const plot = window.logsieveUi.live.plot;
    return plot && plot.data.slice(1).flat().reduce((a, b) => a + b, 0) >= 2;
  }, null, { timeout: 5000 });
  if (vp.width === 1280) await shot(page, 'live');
  await everyControlReachable(page);
});

check('TheLearnViewTrainsACandidateBesideTheCurrentModelThenActivatesIt', async (page, vp) => {
  await open(page, args.open);
  await page.click('nav button[data-view=learn]');
  await page.waitForFunction(() => document.getElementById('learn-status').textContent.startsWith('registry'));
  const before = await (await fetch(`${args.open}/v1/models`)).json();
  await page.click('#learn-train');
  await page.waitForFunction(() => /gate|not trained/.test(document.getElementById('learn-status').textContent),
                             null, { timeout: 240000 });
  const trained = await page.textContent('#learn-status');
  expect(!trained.startsWith('not trained'), trained);
  const after = await (await fetch(`${args.open}/v1/models`)).json();
  expect(after.versions.length === before.versions.length + 1, 'no candidate was registered');
  const candidate = after.versions[after.versions.length - 1];
  expect(!candidate.active && after.active === before.active, 'training activated the candidate');
  // Both models per label, as the registry recorded them.
  const report = await page.textContent('#learn-report');
  const ood = candidate.metadata.metrics['ood dev'];
  expect(report.includes(`ood dev: accuracy ${ood.current.accuracy.toFixed(3)} → ${ood.candidate.accuracy.toFixed(3)}`),
         `the report does not show the ood dev accuracies of both models: ${report.slice(0, 300)}`);
  if (vp.width === 1280) await shot(page, 'learn', { x: 0, y: 0, width: 1280, height: 560 });
  await page.click(`button:has-text("Activate ${candidate.version}")`);
  await page.waitForFunction((v) => document.getElementById('learn-status').textContent.startsWith(`${v} is active`),
                             candidate.version);
  const status = await page.textContent('#learn-status');
  expect(status.includes('restart the server to load it') || status.includes('reloaded'), status);
  expect((await (await fetch(`${args.open}/v1/models`)).json()).active === candidate.version, 'not active in the registry');
  await everyControlReachable(page);
}, { expectedErrors: [/status of 404/] });

// --- running them ------------------------------------------------------------

function storeCorrections() {
  const out = execFileSync('sqlite3', ['-json', args.store,
    'SELECT source, log_message, target_label, origin FROM corrections ORDER BY id'], { encoding: 'utf8' });
  return out.trim() ? JSON.parse(out) : [];
}

let currentPage = null;
// `clip`: the part worth showing (doc/ui.md copies some; ~100 KB each at most).
async function shot(page, name, clip) {
  if (args.shots) await page.screenshot({ path: join(args.shots, `${name}.png`), clip });
}
async function download(page) {
  const [d] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  return readFileSync(await d.path(), 'utf8');
}

const failures = [];
const profile = mkdtempSync(join(tmpdir(), 'logsieve-chromium-'));
const browser = await chromium.launch({
  executablePath: chromiumPath, headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  for (const { name, fn, expectedErrors } of checks) {
    for (const vp of VIEWPORTS) {
      const label = `${name} @${vp.width}x${vp.height}`;
      const context = await browser.newContext({ viewport: vp, acceptDownloads: true });
      const outside = [];
      await context.route('**/*', (route) => {
        const url = new URL(route.request().url());
        if (['127.0.0.1', 'localhost'].includes(url.hostname) || ['data:', 'blob:'].includes(url.protocol)) {
          return route.continue();
        }
        outside.push(url.href);
        return route.abort();
      });
      const page = await context.newPage();
      currentPage = page;
      const errors = [];
      page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() !== 'error') return;
        if (expectedErrors.some((re) => re.test(m.text()))) return;
        errors.push(`console error: ${m.text()}`);
      });
      const t0 = Date.now();
      try {
        await fn(page, vp);
        if (errors.length) throw new Failure(errors.join('; '));
        if (outside.length) throw new Failure(`needed the network: ${outside.join(', ')}`);
        console.log(`PASS ${label} (${Date.now() - t0} ms)`);
      } catch (e) {
        failures.push(`${label}: ${e instanceof Failure ? e.message : e.stack}${errors.length ? ` [${errors.join('; ')}]` : ''}`);
        console.log(`FAIL ${label}`);
      } finally {
        await context.close();
      }
    }
  }
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
if (failures.length) {
  for (const f of failures) console.error(`FAIL ${f}`);
  process.exit(1);
}
console.log(`PASS ui_test: ${checks.length} checks at ${VIEWPORTS.length} sizes`);
