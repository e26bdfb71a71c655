// Headless Chromium check that /docs (Swagger UI) and /redoc (ReDoc) render
// every operation of logsieve's OpenAPI document with no network: every
// request that is not to the loopback server is blocked and recorded, and the
// test fails if any was attempted.
//
//   node tests/browser/docs_test.mjs http://127.0.0.1:8000 [SCREENSHOT_DIR]
//
// Exit codes: 0 pass, 1 fail, 77 skipped (no chromium / playwright-core).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SKIP = 77;
const base = process.argv[2];
const shots = process.argv[3];
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
if (!base) {
  console.error('usage: docs_test.mjs BASE_URL [SCREENSHOT_DIR]');
  process.exit(2);
}
if (!existsSync(chromiumPath)) {
  console.log(`SKIPPED docs_test: no chromium at ${chromiumPath}`);
  process.exit(SKIP);
}
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (e) {
  console.log('SKIPPED docs_test: playwright-core is not installed (npm ci)');
  process.exit(SKIP);
}

const failures = [];
const blocked = [];
const profile = mkdtempSync(join(tmpdir(), 'logsieve-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: chromiumPath,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1280, height: 900 },
});
try {
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    const local = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) || url.protocol === 'data:' ||
                  url.protocol === 'blob:';
    if (local) return route.continue();
    blocked.push(url.href);
    return route.abort();
  });
  const openapi = await (await fetch(`${base}/openapi.json`)).json();
  const operations = Object.values(openapi.paths).flatMap((item) => Object.values(item));

  const page = await context.newPage();
  page.on('pageerror', (e) => failures.push(`page error: ${e.message}`));

  // Swagger UI: one .opblock per operation, each with its path.
  await page.goto(`${base}/docs`, { waitUntil: 'load' });
  await page.waitForSelector('.opblock', { timeout: 20000 });
  const blocks = await page.locator('.opblock').count();
  if (blocks !== operations.length) failures.push(`/docs shows ${blocks} operations, expected ${operations.length}`);
  const swaggerText = await page.locator('#swagger-ui').innerText();
  for (const path of Object.keys(openapi.paths)) {
    if (!swaggerText.includes(path)) failures.push(`/docs does not show ${path}`);
  }
  if (shots) await page.screenshot({ path: join(shots, 'docs.png'), fullPage: false });

  // ReDoc: every operation summary appears.
  await page.goto(`${base}/redoc`, { waitUntil: 'load' });
  await page.waitForSelector('h2', { timeout: 20000 });
  await page.waitForTimeout(500);
  const redocText = await page.locator('#redoc-container').innerText();
  for (const op of operations) {
    if (!redocText.includes(op.summary)) failures.push(`/redoc does not show "${op.summary}"`);
  }
  if (shots) await page.screenshot({ path: join(shots, 'redoc.png'), fullPage: false });
} catch (e) {
  failures.push(`error: ${e.message}`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}

for (const url of blocked) failures.push(`needed the network: ${url}`);
if (failures.length) {
  for (const f of failures) console.error(`FAIL ${f}`);
  process.exit(1);
}
console.log('PASS docs_test: /docs and /redoc render every operation with no network');
