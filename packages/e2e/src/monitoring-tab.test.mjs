// Browser test: a new user opens the payments component's Monitoring tab in the running app and
// finds the production error ratio of the demo's unhealthy service. Run by packages/e2e/src/run.mjs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import {
  base,
  launchBrowser,
  signInAsGuest as signIn,
} from './support/app.mjs';

let browser;
let page;

before(async () => {
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
});

after(async () => {
  await browser?.close();
});

const signInAsGuest = () => signIn(page);

/** The summary table's cells of one environment's row, by column heading. */
async function summaryRow(environment) {
  const table = page.getByRole('table', {
    name: 'Latest values by environment',
  });
  await table.waitFor({ timeout: 90_000 });
  const headings = await table.locator('thead th').allInnerTexts();
  const row = table
    .locator('tbody tr')
    .filter({ has: page.locator('th', { hasText: environment }) });
  const cells = await row.locator('th, td').allInnerTexts();
  return Object.fromEntries(
    headings.map((h, i) => [h.trim(), cells[i]?.trim()]),
  );
}

test(
  'the payments Monitoring tab shows its failing production error ratio',
  { timeout: 180_000 },
  async () => {
    await page.goto(`${base}/catalog/default/component/payments/monitoring`);
    await signInAsGuest();

    const production = await summaryRow('production');
    const ratio = /^(\d+(?:\.\d+)?)%$/.exec(production['Error ratio'] ?? '');
    assert.ok(
      ratio,
      `production error ratio cell: ${JSON.stringify(production)}`,
    );
    // The demo serves ~20 % 5xx for payments in production.
    assert.ok(Number(ratio[1]) > 10, `expected > 10 %, got ${ratio[1]} %`);

    const dev = await summaryRow('dev');
    assert.match(dev['Request rate'], /req\/s$/);
    assert.ok(
      Number(/^(\d+(?:\.\d+)?)%$/.exec(dev['Error ratio'])?.[1]) < 5,
      `dev: ${JSON.stringify(dev)}`,
    );

    // A chart per panel.
    for (const title of [
      'Request rate',
      'Error ratio (5xx)',
      'Latency p95',
      'CPU',
      'Memory (working set)',
    ]) {
      await page
        .getByText(title, { exact: true })
        .first()
        .waitFor({ timeout: 30_000 });
    }
    fs.mkdirSync('.e2e', { recursive: true });
    await page.screenshot({ path: '.e2e/monitoring-tab.png', fullPage: true });
  },
);

test(
  'every example service shows live numbers in all three environments',
  { timeout: 180_000 },
  async () => {
    for (const service of ['checkout', 'payments', 'inventory', 'storefront']) {
      await page.goto(
        `${base}/catalog/default/component/${service}/monitoring`,
      );
      await signInAsGuest();
      for (const environment of ['dev', 'staging', 'production']) {
        const row = await summaryRow(environment);
        const rate = /^(\d+(?:\.\d+)?) req\/s$/.exec(row['Request rate'] ?? '');
        assert.ok(
          rate && Number(rate[1]) > 0,
          `${service}/${environment}: ${JSON.stringify(row)}`,
        );
        assert.match(
          row['p95 latency'] ?? '',
          /\d+(\.\d+)? m?s$/,
          `${service}/${environment} p95`,
        );
      }
    }
  },
);

test(
  '/create lists the monitoring templates',
  { timeout: 120_000 },
  async () => {
    await page.goto(`${base}/create`);
    await signInAsGuest();
    for (const title of [
      'Monitoring hub (VictoriaMetrics)',
      'Monitoring spoke (vmagent)',
      'Monitor a service',
    ]) {
      await page
        .getByText(title, { exact: true })
        .first()
        .waitFor({ timeout: 60_000 });
    }
    await page.screenshot({ path: '.e2e/create.png' });
  },
);

test(
  'a component without annotations shows the missing-annotation state',
  { timeout: 120_000 },
  async () => {
    await page.goto(`${base}/catalog/default/component/shop-docs/monitoring`);
    await signInAsGuest();
    await page
      .getByText(/Missing Annotation/i)
      .first()
      .waitFor({ timeout: 60_000 });
    assert.ok(
      await page.getByText('backstage.io/kubernetes-id').first().isVisible(),
    );
  },
);

test(
  'a chart reads as an on-call engineer expects: round ticks, every environment on hover, zoom, vmui',
  { timeout: 180_000 },
  async () => {
    await page.goto(`${base}/catalog/default/component/payments/monitoring`);
    await signInAsGuest();
    const chart = page.getByRole('img', {
      name: 'Error ratio (5xx) by environment',
    });
    await chart.waitFor({ timeout: 90_000 });
    const ticks = await chart
      .locator('.recharts-xAxis .recharts-cartesian-axis-tick-value')
      .allTextContents();
    assert.ok(ticks.length >= 4, `x-axis ticks: ${JSON.stringify(ticks)}`);
    assert.ok(
      ticks.every(t => /^\d\d:\d0$/.test(t)),
      `ticks at round 10-minute times: ${JSON.stringify(ticks)}`,
    );

    await chart.scrollIntoViewIfNeeded();
    const box = await chart.boundingBox();
    await page.mouse.move(box.x + box.width * 0.9, box.y + box.height * 0.5);
    const tooltip = page.getByTestId('chart-tooltip');
    await tooltip.waitFor({ timeout: 10_000 });
    const text = await tooltip.innerText();
    for (const env of ['dev', 'staging', 'production'])
      assert.match(text, new RegExp(`${env}: `));

    // Drag across the last part of the chart, where a stack started minutes ago has points
    // (a drag snaps to the nearest points): the tab zooms to that range.
    await page.mouse.move(box.x + box.width * 0.91, box.y + box.height * 0.5);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.99, box.y + box.height * 0.5, {
      steps: 5,
    });
    await page.mouse.up();
    await page.getByText(/^Zoomed: /).waitFor({ timeout: 10_000 });

    const vmui = await page
      .getByRole('link', { name: 'Open in vmui' })
      .first()
      .getAttribute('href');
    assert.match(vmui, /^http:\/\/127\.0\.0\.1:8428\/vmui\/#\/\?g0\.expr=/);
    assert.match(decodeURIComponent(vmui), /service="payments"/);
  },
);
