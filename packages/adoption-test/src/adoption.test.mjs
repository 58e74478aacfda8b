// Browser test of the adoption test (run by run.mjs): in the second app, built from the packed
// tarballs on the new frontend system, a guest opens checkout's Monitoring tab and finds live
// numbers for every environment, read through that app's own backend from the local stack; the
// Kubernetes plugin's /alpha tab sits beside it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { launchBrowser, signInAsGuest } from '@internal/monitoring-e2e/support';

const base = process.env.ADOPTION_BASE_URL;
let browser;
let page;

before(async () => {
  assert.ok(
    base,
    'ADOPTION_BASE_URL is not set: run through packages/adoption-test/src/run.mjs',
  );
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
});

after(async () => {
  await browser?.close();
});

test(
  'the Monitoring tab of the second app shows live numbers per environment',
  { timeout: 240_000 },
  async () => {
    await page.goto(`${base}/catalog/default/component/checkout`);
    // A fresh browser always gets the sign-in page first: wait for it rather than glance at it.
    await page
      .getByRole('button', { name: /enter/i })
      .click({ timeout: 120_000 });
    // The tab is the plugin's entity content, found by the app from the /alpha export.
    // (The new system's entity tabs are links in the content navigation; the sidebar has a
    // Monitoring link too, and the overview's card a "View monitoring" link to the same tab.)
    const tab = page
      .getByRole('navigation', { name: 'Content navigation' })
      .getByRole('link', { name: 'Monitoring', exact: true });
    await tab.waitFor({ timeout: 120_000 });
    await tab.click();
    assert.match(
      page.url(),
      /\/catalog\/default\/component\/checkout\/monitoring$/,
    );

    const table = page.getByRole('table', {
      name: 'Latest values by environment',
    });
    await table.waitFor({ timeout: 90_000 });
    const headings = (await table.locator('thead th').allInnerTexts()).map(h =>
      h.trim(),
    );
    for (const environment of ['dev', 'staging', 'production']) {
      const row = table
        .locator('tbody tr')
        .filter({ has: page.locator('th', { hasText: environment }) });
      const cells = (await row.locator('th, td').allInnerTexts()).map(c =>
        c.trim(),
      );
      const byHeading = Object.fromEntries(
        headings.map((h, i) => [h, cells[i]]),
      );
      const rate = /^(\d+(?:\.\d+)?) req\/s$/.exec(
        byHeading['Request rate'] ?? '',
      );
      assert.ok(rate, `${environment}: ${JSON.stringify(byHeading)}`);
      // The local stack's demo traffic: every environment serves requests all the time.
      assert.ok(
        Number(rate[1]) > 0,
        `${environment} request rate is ${rate[1]}`,
      );
      assert.match(
        byHeading['Error ratio'] ?? '',
        /^\d+(\.\d+)?%$/,
        `${environment}: ${JSON.stringify(byHeading)}`,
      );
    }
    if (process.env.ADOPTION_DIR) {
      const shot = path.join(process.env.ADOPTION_DIR, 'monitoring-tab.png');
      await page.screenshot({ path: shot, fullPage: true });
      fs.mkdirSync('.e2e', { recursive: true });
      fs.copyFileSync(shot, '.e2e/adoption-monitoring-tab.png');
    }
  },
);

test(
  'the second app has the fleet page at /monitoring, with its sidebar entry and live cells',
  { timeout: 120_000 },
  async () => {
    await page.goto(`${base}/catalog`);
    await signInAsGuest(page);
    // The sidebar entry comes from the page extension's title and icon (the entity tab's link
    // ends in /checkout/monitoring, so this is the sidebar's).
    const nav = page.locator('a[href="/monitoring"]', {
      hasText: 'Monitoring',
    });
    await nav.first().waitFor({ timeout: 90_000 });
    await nav.first().click();
    const table = page.getByRole('table', { name: 'Services by environment' });
    await table.waitFor({ timeout: 90_000 });
    for (const environment of ['dev', 'staging', 'production']) {
      // A cell's label carries its health, which is no-data without requests.
      await page
        .getByLabel(
          new RegExp(`^checkout in ${environment}: (ok|warning|critical)$`),
        )
        .waitFor({ timeout: 60_000 });
    }
    const row = table.locator('tbody tr').filter({ hasText: 'checkout' });
    const rates = [
      ...(await row.innerText()).matchAll(/(\d+(?:\.\d+)?) req\/s/g),
    ];
    assert.equal(rates.length, 3, await row.innerText());
    for (const [, rate] of rates) assert.ok(Number(rate) > 0, `rate ${rate}`);
  },
);

test(
  "the second app's entity page has Backstage's Kubernetes tab beside Monitoring",
  { timeout: 120_000 },
  async () => {
    await page.goto(`${base}/catalog/default/component/checkout`);
    await signInAsGuest(page);
    // The tab comes from @backstage/plugin-kubernetes/alpha (its entity content, shown for
    // entities with backstage.io/kubernetes-id), next to the suite's own.
    const nav = page.getByRole('navigation', { name: 'Content navigation' });
    const tab = nav.getByRole('link', { name: 'Kubernetes', exact: true });
    await tab.waitFor({ timeout: 90_000 });
    assert.ok(
      await nav
        .getByRole('link', { name: 'Monitoring', exact: true })
        .isVisible(),
      'the Monitoring tab is beside it',
    );
    await tab.click();
    assert.match(
      page.url(),
      /\/catalog\/default\/component\/checkout\/kubernetes$/,
    );
    // The plugin's content once the second app's own kubernetes backend has answered.
    await page
      .getByRole('heading', { name: 'Your Clusters' })
      .waitFor({ timeout: 60_000 });
  },
);
