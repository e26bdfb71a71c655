// Driven by bench/ui_upload.sh: times a large upload in the dashboard with
// headless Chromium (the page records its own timings in state.timing).
//   node bench/ui_upload.mjs BASE_URL FILE.csv RUNS
import { basename } from 'node:path';
import { chromium } from 'playwright-core';

const [base, file, runsArg] = process.argv.slice(2);
const runs = Number(runsArg || 3);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
const rows = [];
for (let run = 1; run <= runs; run++) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${base}/ui/`, { waitUntil: 'load' });
  await page.waitForFunction(() => document.getElementById('server-status').textContent.startsWith('ok'));
  await page.setInputFiles('#file-input', file);
  await page.waitForFunction(() => window.logsieveUi.state.timing?.done, null, { timeout: 600000, polling: 100 });
  const t = await page.evaluate(() => {
    const { state } = window.logsieveUi;
    const time = (fn) => { const t0 = performance.now(); fn(); return performance.now() - t0; };
    const text = document.getElementById('f-text');
    const filter = time(() => { text.value = 'login'; text.dispatchEvent(new Event('input')); });
    const shown = state.order.length;
    text.value = '';
    text.dispatchEvent(new Event('input'));
    const sort = time(() => document.querySelector('button[data-sort="confidence"]').click());
    return { first: state.timing.first - state.timing.start, done: state.timing.done - state.timing.start,
             rows: state.rows.length, decided: state.rows.filter((r) => r.label != null).length, filter, shown, sort };
  });
  rows.push(t);
  console.log(`run ${run}: ${t.rows} rows (${t.decided} decided) from ${basename(file)}: first rows ${t.first.toFixed(0)} ms, ` +
              `all rows ${(t.done / 1000).toFixed(2)} s; text filter ${t.filter.toFixed(0)} ms (${t.shown} shown), ` +
              `sort by confidence ${t.sort.toFixed(0)} ms`);
  await page.close();
}
await browser.close();
const median = (k) => rows.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(rows.length / 2)];
console.log(`median of ${runs}: first rows ${median('first').toFixed(0)} ms, all rows ${(median('done') / 1000).toFixed(2)} s, ` +
            `text filter ${median('filter').toFixed(0)} ms, sort ${median('sort').toFixed(0)} ms`);
