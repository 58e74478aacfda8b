// Browser test: prod-cluster's page shows, in the monitoring cluster card, the VictoriaMetrics
// resources its real Kubernetes API reports - the spoke's VMAgent, which the stack applied with
// the suite's field manager and whose status the simulated operator (kwok stages) moved to
// `operational` - next to the metrics verdict. Run by packages/e2e/src/run.mjs.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { base, launchBrowser, sleep } from './support/app.mjs';

let browser;
let page;

before(async () => {
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
});

after(async () => {
  await browser?.close();
});

test(
  "prod-cluster's card shows its VMAgent operational, read from the cluster",
  { timeout: 240_000 },
  async () => {
    await page.goto(`${base}/catalog/default/resource/prod-cluster`);
    // A fresh browser always gets the sign-in page first.
    await page
      .getByRole('button', { name: /enter/i })
      .click({ timeout: 120_000 });
    const table = page.getByRole('table', {
      name: 'prod-cluster: VictoriaMetrics resources',
    });
    await table.waitFor({ timeout: 90_000 }).catch(async e => {
      await page.screenshot({ path: '.e2e/cluster-card.png', fullPage: true });
      throw e;
    });
    // The row's label carries kind, namespace/name and the health the chip shows.
    const row = table.getByRole('row', {
      name: 'VMAgent monitoring/prod-cluster: ok',
    });
    let visible = false;
    for (let i = 0; i < 15 && !visible; i++) {
      visible = await row.isVisible();
      if (!visible) await sleep(2000);
    }
    assert.ok(visible, 'no VMAgent monitoring/prod-cluster row marked ok');
    const chip = row.locator('[data-health]');
    assert.equal(await chip.getAttribute('data-health'), 'ok');
    assert.equal((await chip.textContent())?.trim(), 'operational');
    // The cluster's read did not fail.
    assert.equal(
      await table
        .getByRole('row', { name: 'prod-cluster: resources not read' })
        .count(),
      0,
    );
    await page.screenshot({ path: '.e2e/cluster-card.png', fullPage: true });
  },
);
