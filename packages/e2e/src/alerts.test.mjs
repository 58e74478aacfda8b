// Browser test of alert state: payments' overview card shows its two firing production alerts
// with runbook links; its owner (the guest, a member of team-shop) silences one for an hour in
// the Monitoring tab's dialog and sees it silenced; checkout shows all quiet. Against the real
// vmalert and Alertmanager of the local stack. Run by packages/e2e/src/run.mjs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import {
  backend,
  base,
  guestHeaders,
  launchBrowser,
  signInAsGuest,
  sleep,
} from './support/app.mjs';

let browser;
let page;
const silenceIds = [];

before(async () => {
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
});

after(async () => {
  // Leave Alertmanager as it was, whatever failed.
  const headers = await guestHeaders().catch(() => undefined);
  for (const id of silenceIds) {
    await fetch(
      `${backend}/api/monitoring/entity/component/default/payments/silences/${id}`,
      {
        method: 'DELETE',
        headers,
      },
    ).catch(() => {});
  }
  await browser?.close();
});

const SERVICE_ALERTS = ['ServiceHighErrorRatio', 'ServiceHighLatencyP95'];

/**
 * Waits (bounded) until vmalert fires both of payments' production service alerts (their `for:`
 * makes them the last: the burn-rate alerts have none); returns how many alerts fire then.
 */
async function waitForFiring(headers) {
  for (let i = 0; i < 90; i++) {
    const res = await fetch(
      `${backend}/api/monitoring/entity/component/default/payments/alerts`,
      { headers },
    );
    if (res.ok) {
      const body = await res.json();
      const firing = SERVICE_ALERTS.every(name =>
        body.rules.some(
          r => r.name === name && r.instances.some(x => x.state === 'firing'),
        ),
      );
      if (firing) return body.counts.firing;
    }
    await sleep(2000);
  }
  throw new Error("payments' alerts did not fire within 3 minutes");
}

test(
  "payments' overview card shows its firing alerts with runbook links",
  { timeout: 300_000 },
  async () => {
    const firing = await waitForFiring(await guestHeaders());
    await page.goto(`${base}/catalog/default/component/payments`);
    await signInAsGuest(page);
    // The card: the nearest ancestor of its title that also holds its counts.
    const card = page
      .getByText('Alerts', { exact: true })
      .locator(
        'xpath=ancestor::*[.//*[@aria-label="Alert rules by state"]][1]',
      );
    await card.getByText('ServiceHighErrorRatio').waitFor({ timeout: 90_000 });
    await card.getByText('ServiceHighLatencyP95').waitFor();
    // One chip per firing alert: the two service alerts and the burn-rate alerts.
    assert.ok(
      firing > 2,
      `payments fires its burn-rate alerts too (${firing})`,
    );
    assert.equal(await card.getByText(/^firing · production/).count(), firing);
    const runbooks = await card
      .getByRole('link', { name: /Runbook/ })
      .evaluateAll(links => links.map(a => a.href));
    assert.deepEqual(runbooks, [
      'https://runbooks.example.com/monitoring/ServiceHighErrorRatio',
      'https://runbooks.example.com/monitoring/ServiceHighLatencyP95',
    ]);
    fs.mkdirSync('.e2e', { recursive: true });
    await page.screenshot({ path: '.e2e/alerts-card.png', fullPage: true });
  },
);

test(
  'the owner silences an alert for an hour in the dialog and sees it silenced',
  { timeout: 180_000 },
  async () => {
    await page.goto(`${base}/catalog/default/component/payments/monitoring`);
    await signInAsGuest(page);
    const table = page.getByRole('table', { name: 'Alerts by environment' });
    await table.waitFor({ timeout: 90_000 });
    const row = table
      .locator('tbody tr')
      .filter({ hasText: 'ServiceHighErrorRatio' });
    await row.getByRole('button', { name: 'Silence' }).click();

    const dialog = page.getByRole('dialog');
    await dialog.getByText('Silence ServiceHighErrorRatio').waitFor();
    await dialog.getByLabel('Comment').fill('e2e: rolling back the release');
    await dialog.getByRole('button', { name: 'Silence' }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 30_000 });

    await row
      .getByText('firing · prod-cluster · silenced')
      .waitFor({ timeout: 30_000 });
    const silences = page.getByRole('table', { name: 'Silences' });
    await silences.getByText('e2e: rolling back the release').waitFor();
    assert.match(await silences.innerText(), /user:default\/guest/);

    // In Alertmanager: one hour, by the signed-in user.
    const res = await fetch(
      `${backend}/api/monitoring/entity/component/default/payments/alerts`,
      {
        headers: await guestHeaders(),
      },
    );
    const [silence] = (await res.json()).silences;
    silenceIds.push(silence.id);
    assert.equal(silence.createdBy, 'user:default/guest');
    const hours =
      (Date.parse(silence.endsAt) - Date.parse(silence.startsAt)) / 3_600_000;
    assert.ok(Math.abs(hours - 1) < 0.01, `silence of ${hours} h`);
    // The latency alert stays notified.
    const latency = table
      .locator('tbody tr')
      .filter({ hasText: 'ServiceHighLatencyP95' });
    assert.doesNotMatch(await latency.innerText(), /silenced/);
    await page.getByText('Last 24 hours').waitFor();
    await page.screenshot({ path: '.e2e/alerts-tab.png', fullPage: true });

    // Expire it from the list: the alert is notified again.
    await silences
      .getByRole('button', { name: `Expire silence ${silence.id}` })
      .click();
    await row
      .getByText('firing · prod-cluster', { exact: true })
      .waitFor({ timeout: 30_000 });
    silenceIds.length = 0;
  },
);

test('checkout shows all quiet', { timeout: 120_000 }, async () => {
  await page.goto(`${base}/catalog/default/component/checkout`);
  await signInAsGuest(page);
  // The hub's two service alerts, and checkout's objectives' burn-rate alerts.
  await page
    .getByText(/All quiet: none of the \d+ alert rules/)
    .waitFor({ timeout: 90_000 });
  assert.doesNotMatch(
    await page.getByText(/All quiet: none of the \d+ alert rules/).innerText(),
    /none of the [0-2] alert rules/,
  );
});
