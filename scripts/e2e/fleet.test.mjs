// Browser test of the fleet page: /monitoring lists every example service in every environment
// with payments/production critical and first, and its link opens payments' Monitoring tab.
// Against the real stack's recording rules. Run by scripts/run-e2e.mjs.
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

test('the fleet page shows every service x environment, payments/production critical and first', { timeout: 180_000 }, async () => {
  await page.goto(`${base}/monitoring`);
  await signInAsGuest(page);
  const table = page.getByRole('table', { name: 'Services by environment' });
  await table.waitFor({ timeout: 90_000 });
  const headings = await table.locator('thead th').allInnerTexts();
  assert.deepEqual(headings.slice(4), ['dev', 'staging', 'production']);
  // The sidebar has its entry.
  assert.equal(await page.getByRole('link', { name: 'Monitoring' }).count() > 0, true);

  // Every example service, each with numbers in all three environments.
  for (const service of ['checkout', 'payments', 'inventory', 'storefront']) {
    for (const env of ['dev', 'staging', 'production']) {
      await page.getByLabel(new RegExp(`^${service} in ${env}: (ok|warning|critical)$`)).waitFor({ timeout: 60_000 });
    }
  }
  const first = table.locator('tbody tr').first();
  assert.match(await first.locator('td').first().innerText(), /^payments/);
  assert.match(await page.getByLabel(/^payments in production: (ok|warning|critical)$/).getAttribute('aria-label'), /critical$/);
  assert.doesNotMatch(await page.getByLabel(/^checkout in production: (ok|warning|critical)$/).getAttribute('aria-label'), /critical$/);
  fs.mkdirSync('.e2e', { recursive: true });
  await page.screenshot({ path: '.e2e/fleet.png', fullPage: true });

  await first.getByRole('link', { name: 'payments' }).click();
  await page.waitForURL(/\/catalog\/default\/component\/payments\/monitoring$/);
  await page.getByRole('table', { name: 'Alerts by environment' }).waitFor({ timeout: 60_000 });
});
