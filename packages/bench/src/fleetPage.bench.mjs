// Page benchmark (`npm run bench:page`): run by page.mjs through the e2e runner (which starts the
// app against the local stack). The fleet page in Chromium against 5,000 services x 3
// environments, from the sidebar click to a table, then a text filter and a page change. The
// API is answered in the page's network layer the way the backend answers it (filtered, sorted
// and paged on the server, 50 rows a page), from a synthetic fleet - or from a full answer saved
// to BENCH_FLEET_RESPONSE - so this times the browser's side; the backend's own latency under
// load is the load benchmark's (`npm run bench -- load`). BENCH_PAGE_SERVER_MS adds that much
// delay to each answer. Prints figures; asserts only that the table appears.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import {
  base,
  launchBrowser,
  signInAsGuest,
} from '@internal/monitoring-e2e/support';

const SERVICES = 5000;
const ENVIRONMENTS = ['dev', 'staging', 'production'];
const serverMs = Number(process.env.BENCH_PAGE_SERVER_MS ?? 0);
let browser;
let page;

before(async () => {
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
});

after(async () => {
  await browser?.close();
});

const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A fleet like the load benchmark's: one in fifty failing in production, worst first. */
function syntheticRows() {
  const rows = Array.from({ length: SERVICES }, (_, i) => {
    const name = `bench-svc-${String(i).padStart(5, '0')}`;
    const cells = Object.fromEntries(
      ENVIRONMENTS.map(env => {
        const failing = i % 50 === 0 && env === 'production';
        return [
          env,
          {
            health: failing ? 'critical' : 'ok',
            requestRate: 2 * (1 + (i % 10)),
            errorRatio: failing ? 0.1 : 0.002,
            latencyP95: 0.2,
            firingAlerts: failing ? 1 : 0,
            budgetRemaining: failing ? -4 : 0.6 + (i % 7) / 20,
            sparkline: Array.from({ length: 24 }, () => 2 * (1 + (i % 10))),
          },
        ];
      }),
    );
    return {
      entityRef: `component:default/${name}`,
      name,
      owner: `team-${i % 40}`,
      system: `system-${i % 25}`,
      lifecycle: 'production',
      service: name,
      namespace: 'bench-fleet',
      health: i % 50 === 0 ? 'critical' : 'ok',
      cells,
    };
  });
  const rank = h => ['critical', 'warning', 'ok', 'no-data'].indexOf(h);
  return rows.sort(
    (a, b) => rank(a.health) - rank(b.health) || a.name.localeCompare(b.name),
  );
}

function loadRows() {
  const file = process.env.BENCH_FLEET_RESPONSE;
  return file
    ? JSON.parse(fs.readFileSync(file, 'utf8')).rows
    : syntheticRows();
}

/** GET /fleet as the backend answers it: filters, order, one page (see fleetPage.ts). */
function answer(rows, url) {
  const p = new URL(url).searchParams;
  const q = (p.get('q') ?? '').toLowerCase();
  const system = p.get('system');
  let matching = rows.filter(
    r =>
      (!system || r.system === system) &&
      (!q ||
        [r.name, r.title ?? '', r.service, r.owner ?? ''].some(v =>
          v.toLowerCase().includes(q),
        )),
  );
  // The signed-in guest owns none of the synthetic services.
  const owned = 0;
  if (p.get('mine') === 'true') matching = [];
  if (p.get('sort') === 'name')
    matching = [...matching].sort((a, b) => a.name.localeCompare(b.name));
  if (p.get('order') === 'desc') matching = [...matching].reverse();
  const pageSize = Number(p.get('pageSize') ?? 50);
  const last = Math.max(0, Math.ceil(matching.length / pageSize) - 1);
  const pageNo = Math.min(Number(p.get('page') ?? 0), last);
  return {
    source: 'recording-rules',
    environments: ENVIRONMENTS,
    alerts: 'ok',
    generatedAt: new Date().toISOString(),
    snapshot: {
      takenAt: new Date().toISOString(),
      ageSeconds: 3,
      stale: false,
    },
    thresholds: {
      errorRatio: { warning: 0.01, critical: 0.05 },
      latencyP95Seconds: { warning: 0.5, critical: 1 },
    },
    total: matching.length,
    owned,
    systems: [...new Set(rows.map(r => r.system).filter(Boolean))].sort(),
    page: pageNo,
    pageSize,
    rows: matching.slice(pageNo * pageSize, (pageNo + 1) * pageSize),
  };
}

test('the fleet page with 5,000 services', { timeout: 600_000 }, async () => {
  const rows = loadRows();
  const bytes = [];
  await page.route('**/api/monitoring/fleet*', async route => {
    const body = JSON.stringify(answer(rows, route.request().url()));
    bytes.push(body.length);
    if (serverMs) await new Promise(r => setTimeout(r, serverMs));
    await route.fulfill({ status: 200, contentType: 'application/json', body });
  });
  await page.goto(`${base}/catalog`);
  await signInAsGuest(page);
  // A fresh dev server builds the bundle on the first visit.
  await page
    .getByRole('link', { name: 'Monitoring' })
    .first()
    .waitFor({ timeout: 240_000 });
  const table = page.getByRole('table', { name: 'Services by environment' });
  const toTable = [];
  const toFilter = [];
  const toPage = [];
  for (let round = 0; round < 5; round++) {
    await page.goto(`${base}/catalog`);
    await page.getByRole('link', { name: 'Monitoring' }).first().waitFor();
    let t = Date.now();
    // In-app navigation, as a user clicks the sidebar entry (the bundle is loaded).
    await page.getByRole('link', { name: 'Monitoring' }).first().click();
    await table.locator('tbody tr').first().waitFor({ timeout: 60_000 });
    toTable.push(Date.now() - t);
    assert.equal(await table.locator('tbody tr').count(), 50);
    const mine = page.getByLabel(/^My services/);
    if (await mine.isChecked()) await mine.click();
    const target = rows[rows.length - 1].name;
    t = Date.now();
    await page.getByLabel('Search services').fill(target);
    await table.locator('tbody tr').filter({ hasText: target }).waitFor();
    await page.waitForFunction(
      () =>
        document.querySelectorAll(
          'table[aria-label="Services by environment"] tbody tr',
        ).length === 1,
    );
    toFilter.push(Date.now() - t);
    await page.getByLabel('Search services').fill('');
    await page.waitForFunction(
      () =>
        document.querySelectorAll(
          'table[aria-label="Services by environment"] tbody tr',
        ).length === 50,
    );
    t = Date.now();
    const firstBefore = await table.locator('tbody tr').first().innerText();
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.waitForFunction(
      previous =>
        document.querySelector(
          'table[aria-label="Services by environment"] tbody tr',
        )?.innerText !== previous,
      firstBefore,
    );
    toPage.push(Date.now() - t);
  }
  // How much of it is the answers' round trips (Playwright's routing included), from the page.
  const fetches = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .filter(e => e.name.includes('/api/monitoring/fleet'))
      .map(e => e.duration),
  );
  console.log(
    `Fleet answers' round trips as the page saw them: median ${Math.round(median(fetches))} ms over ${fetches.length}`,
  );
  console.log(
    `Fleet page, ${rows.length} services in Chromium (median of 5, answers paged as the backend pages them, ${serverMs} ms added per answer): ` +
      `table ${median(toTable)} ms after the sidebar click, text filter ${median(toFilter)} ms (300 ms of it the search's debounce), next page ${median(toPage)} ms; ` +
      `answers of ${Math.round(median(bytes) / 1024)} KiB (median, uncompressed)`,
  );
});
