// Browser test of the SLOs: payments' card shows its production budget exhausted and the page
// alert firing, checkout's a healthy budget, the Monitoring tab draws the budget chart and marks
// the burn rates above the page threshold, and the fleet sorts by budget, lowest first.
// Against the real stack (its backfilled 30 days and the SLO rules the local vmalert
// evaluates). Run by packages/e2e/src/run.mjs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { base, launchBrowser, signInAsGuest } from './support/app.mjs';

let browser;
let page;

before(async () => {
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 1300 } });
});

after(async () => {
  await browser?.close();
});

const budget = (service, objective, environment) =>
  page.getByRole('group', {
    name: `${service} ${objective} ${environment} budget`,
    exact: true,
  });

/** The budget's percent, e.g. -1,920 % -> -19.2. */
async function percentOf(group) {
  const text = await group.getByTestId('slo-budget-percent').innerText();
  const match = /^(-?[\d,]+(?:\.\d+)?)\s?%$/.exec(text.trim());
  assert.ok(match, `a percent, got "${text}"`);
  return Number(match[1].replace(/,/g, '')) / 100;
}

test(
  "payments' SLO card shows its production budget exhausted and the page alert firing",
  { timeout: 240_000 },
  async () => {
    await page.goto(`${base}/catalog/default/component/payments`);
    await signInAsGuest(page);
    const production = budget('payments', 'availability', 'production');
    await production.waitFor({ timeout: 150_000 });
    assert.equal(
      await production.getAttribute('data-budget-health'),
      'exhausted',
    );
    assert.ok((await percentOf(production)) < 0);
    // The burn-rate alert reads recorded series: a fresh stack needs a round or two.
    await production
      .getByText('firing · page')
      .waitFor({ timeout: 120_000 })
      .catch(async () => {
        await page.reload();
        await budget('payments', 'availability', 'production')
          .getByText('firing · page')
          .waitFor({ timeout: 60_000 });
      });
    fs.mkdirSync('.e2e', { recursive: true });
    await page.screenshot({ path: '.e2e/slo-card.png', fullPage: true });
  },
);

test(
  "checkout's SLO card shows healthy budgets",
  { timeout: 120_000 },
  async () => {
    await page.goto(`${base}/catalog/default/component/checkout`);
    await signInAsGuest(page);
    for (const objective of ['availability', 'latency']) {
      const production = budget('checkout', objective, 'production');
      await production.waitFor({ timeout: 90_000 });
      assert.equal(await production.getAttribute('data-budget-health'), 'ok');
      assert.ok((await percentOf(production)) >= 0.5);
      assert.equal(await production.getByText('firing · page').count(), 0);
    }
  },
);

test(
  "payments' Monitoring tab draws the budget over the period and marks the burn rates above the page threshold",
  { timeout: 120_000 },
  async () => {
    await page.goto(`${base}/catalog/default/component/payments/monitoring`);
    await signInAsGuest(page);
    const chart = page.getByRole('img', {
      name: 'payments availability production budget over the last 30d',
    });
    await chart.waitFor({ timeout: 90_000 });
    assert.ok((await chart.locator('path').count()) >= 1);
    const burnRates = page.getByRole('table', {
      name: 'payments availability production burn rates',
    });
    // 20 % errors against a 1 % budget: 20x, above 14.4x on the 1 h and 5 m windows.
    assert.ok(
      (await burnRates.locator('[data-exceeds="page"]').count()) >= 2,
      'the 1h and 5m burn rates are above the page threshold',
    );
    await page.screenshot({ path: '.e2e/slo-tab.png', fullPage: true });
  },
);

test(
  'the fleet sorts by budget, lowest first',
  { timeout: 180_000 },
  async () => {
    await page.goto(`${base}/monitoring`);
    await signInAsGuest(page);
    const table = page.getByRole('table', { name: 'Services by environment' });
    await table.waitFor({ timeout: 150_000 });
    await page
      .getByRole('cell', { name: 'payments: worst budget' })
      .waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Budget' }).click();
    // The order is the server's: wait for the answer sorted by budget.
    await table
      .locator('th[aria-sort="ascending"]')
      .waitFor({ timeout: 30_000 });
    const names = await table
      .locator('tbody tr')
      .evaluateAll(rows =>
        rows.map(r => r.querySelector('td')?.innerText ?? ''),
      );
    assert.match(names[0], /^payments/);
    // Services without objectives (storefront) go last.
    const last = names[names.length - 1].split(/\s/)[0];
    assert.equal(
      (
        await page
          .getByRole('cell', { name: `${last}: worst budget` })
          .innerText()
      ).trim(),
      '–',
    );
    assert.ok(names.some(n => /^storefront/.test(n)));
    await page.getByRole('button', { name: 'Budget' }).click();
    await table
      .locator('th[aria-sort="descending"]')
      .waitFor({ timeout: 30_000 });
    const reversed = await table
      .locator('tbody tr')
      .evaluateAll(rows =>
        rows.map(r => r.querySelector('td')?.innerText ?? ''),
      );
    assert.doesNotMatch(reversed[0], /^payments/);
  },
);
