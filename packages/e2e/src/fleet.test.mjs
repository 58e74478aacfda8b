// Browser test of the fleet page: /monitoring lists every example service in every environment
// with payments/production critical and first, and its link opens payments' Monitoring tab.
// Against the real stack's recording rules. Run by packages/e2e/src/run.mjs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { base, launchBrowser, signInAsGuest } from './support/app.mjs';

let browser;
let page;

before(async () => {
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
});

after(async () => {
  await browser?.close();
});

test(
  'the fleet page shows every service x environment, payments/production critical and first',
  { timeout: 240_000 },
  async () => {
    await page.goto(`${base}/monitoring`);
    await signInAsGuest(page);
    const table = page.getByRole('table', { name: 'Services by environment' });
    // The first page of a fresh dev server waits for its bundle.
    await table.waitFor({ timeout: 150_000 });
    const headings = await table.locator('thead th').allInnerTexts();
    assert.deepEqual(headings.slice(4), [
      'Budget',
      'dev',
      'staging',
      'production',
    ]);
    // The sidebar has its entry.
    assert.equal(
      (await page.getByRole('link', { name: 'Monitoring' }).count()) > 0,
      true,
    );

    // Every example service, each with numbers in all three environments.
    for (const service of ['checkout', 'payments', 'inventory', 'storefront']) {
      for (const env of ['dev', 'staging', 'production']) {
        await page
          .getByLabel(
            new RegExp(`^${service} in ${env}: (ok|warning|critical)$`),
          )
          .waitFor({ timeout: 60_000 });
      }
    }
    const first = table.locator('tbody tr').first();
    assert.match(await first.locator('td').first().innerText(), /^payments/);
    assert.match(
      await page
        .getByLabel(/^payments in production: (ok|warning|critical)$/)
        .getAttribute('aria-label'),
      /critical$/,
    );
    assert.doesNotMatch(
      await page
        .getByLabel(/^checkout in production: (ok|warning|critical)$/)
        .getAttribute('aria-label'),
      /critical$/,
    );
    fs.mkdirSync('.e2e', { recursive: true });
    await page.screenshot({ path: '.e2e/fleet.png', fullPage: true });

    await first.getByRole('link', { name: 'payments' }).click();
    await page.waitForURL(
      /\/catalog\/default\/component\/payments\/monitoring$/,
    );
    await page
      .getByRole('table', { name: 'Alerts by environment' })
      .waitFor({ timeout: 60_000 });
  },
);

test(
  'the Stack tab shows three healthy spokes and the hub components up',
  { timeout: 180_000 },
  async () => {
    await page.goto(`${base}/monitoring/stack`);
    await signInAsGuest(page);
    for (const cluster of ['dev-cluster', 'staging-cluster', 'prod-cluster']) {
      await page
        .getByLabel(`${cluster}: ok`, { exact: true })
        .waitFor({ timeout: 90_000 });
      // Its trend chart is drawn (gaps, e.g. a restart, split the line into several paths).
      assert.ok(
        (await page
          .getByRole('img', { name: `${cluster}: samples/s, last hour` })
          .locator('path')
          .count()) >= 1,
      );
    }
    const components = page.getByRole('table', { name: 'Hub components' });
    for (const name of [
      'vminsert',
      'vmselect',
      'vmstorage',
      'vmauth',
      'vmalert',
      'Alertmanager',
    ]) {
      await components
        .getByLabel(`${name}: up`, { exact: true })
        .waitFor({ timeout: 30_000 });
    }
    await page.screenshot({ path: '.e2e/stack.png', fullPage: true });
  },
);

test(
  "prod-cluster's page shows its monitoring card with a healthy verdict",
  { timeout: 120_000 },
  async () => {
    await page.goto(`${base}/catalog/default/resource/prod-cluster`);
    await signInAsGuest(page);
    await page
      .getByLabel('prod-cluster: ok', { exact: true })
      .waitFor({ timeout: 60_000 });
    assert.equal(
      await page.getByText('spoke · cluster="prod-cluster"').count(),
      1,
    );
    const series = await page.getByLabel('Active series').innerText();
    assert.ok(
      Number(series.replace(/[^0-9.]/g, '')) > 100,
      `active series: ${series}`,
    );
    await page.goto(`${base}/catalog/default/resource/hub-cluster`);
    await page
      .getByRole('table', { name: 'Hub components' })
      .getByLabel('Alertmanager: up')
      .waitFor({ timeout: 60_000 });
  },
);
