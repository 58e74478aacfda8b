// Browser test: Backstage's Kubernetes plugin has its tab beside the Monitoring tab, and payments'
// Kubernetes tab lists its pods in the three spoke clusters, read from the local stack's clusters
// (Deployment `payments` in namespace `shop`, 2 replicas, pods labelled
// backstage.io/kubernetes-id: payments). Run by packages/e2e/src/run.mjs.
// Selectors follow @backstage/plugin-kubernetes-react's DOM: one accordion per cluster (its
// summary names the cluster and counts the pods), a nested accordion per Deployment, and in it
// the pods table (columns name, phase, status, ...), mounted only while expanded. The same
// structure is checked against a fixture in packages/app/src/components/catalog/EntityPage.test.tsx.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import {
  base,
  launchBrowser,
  signInAsGuest as signIn,
  sleep,
} from './support/app.mjs';

const SERVICE = 'payments';
const SPOKES = ['dev-cluster', 'staging-cluster', 'prod-cluster'];
const REPLICAS = 2;
// MUI's class names; under Backstage's nested themes they carry a counter suffix
// (MuiAccordion-root-505), so match the prefix.
const ACCORDION = '[class*="MuiAccordion-root"]';
const SUMMARY = '[class*="MuiAccordionSummary-root"]';
const EXPAND_ICON = '[class*="MuiAccordionSummary-expandIcon"]';

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

/** The entity page's tab labels, in order (the legacy EntityLayout's MUI tabs). */
async function tabLabels() {
  const tabs = page.getByRole('tablist', { name: 'tabs' }).getByRole('tab');
  await tabs.first().waitFor({ timeout: 90_000 });
  return (await tabs.allTextContents()).map(t => t.trim());
}

/**
 * Re-reads `read` until `ok` holds for its value (the tab refreshes its objects every 10 s, and a
 * pod may still be starting), then returns the value; after `timeoutMs` returns the last one.
 */
async function settle(read, ok, timeoutMs = 60_000) {
  const started = Date.now();
  let value = await read();
  while (!ok(value) && Date.now() - started < timeoutMs) {
    await sleep(2000);
    value = await read();
  }
  return value;
}

/** A cluster's accordion: the outermost one whose summary shows the cluster's name. */
const clusterAccordion = cluster =>
  page
    .locator(ACCORDION)
    .filter({ has: page.getByText(cluster, { exact: true }) })
    .first();

/** The accordion's own summary (the clickable header, not a nested accordion's). */
const summaryOf = accordion => accordion.locator(`:scope > ${SUMMARY}`);

/** The pods table's rows as { heading: cell text }, headings lower-cased. */
async function podRows(table) {
  const headings = (await table.locator('thead th').allInnerTexts()).map(h =>
    h.trim().toLowerCase(),
  );
  const rows = [];
  for (const row of await table.locator('tbody tr').all()) {
    const cells = (await row.locator('td').allInnerTexts()).map(c => c.trim());
    rows.push(Object.fromEntries(headings.map((h, i) => [h, cells[i]])));
  }
  return rows;
}

test(
  'the Kubernetes tab sits beside Monitoring, only on entities with backstage.io/kubernetes-id',
  { timeout: 180_000 },
  async () => {
    await page.goto(`${base}/catalog/default/component/${SERVICE}`);
    // A fresh browser always gets the sign-in page first: wait for it rather than glance at it.
    await page
      .getByRole('button', { name: /enter/i })
      .click({ timeout: 120_000 });
    const labels = (await tabLabels()).map(l => l.toLowerCase());
    const monitoring = labels.indexOf('monitoring');
    assert.ok(monitoring >= 0, `tabs: ${JSON.stringify(labels)}`);
    assert.equal(
      labels[monitoring + 1],
      'kubernetes',
      `tabs: ${JSON.stringify(labels)}`,
    );
    await page
      .getByRole('tablist', { name: 'tabs' })
      .getByRole('tab', { name: /^kubernetes$/i })
      .click();
    await page.waitForURL(
      /\/catalog\/default\/component\/payments\/kubernetes$/,
    );

    // shop-docs has no kubernetes annotation: no Kubernetes tab.
    await page.goto(`${base}/catalog/default/component/shop-docs`);
    await signInAsGuest();
    const docsLabels = (await tabLabels()).map(l => l.toLowerCase());
    assert.ok(
      !docsLabels.includes('kubernetes'),
      `shop-docs tabs: ${JSON.stringify(docsLabels)}`,
    );
  },
);

test(
  "payments' Kubernetes tab lists its two running pods in each spoke cluster",
  { timeout: 300_000 },
  async () => {
    await page.goto(`${base}/catalog/default/component/${SERVICE}/kubernetes`);
    await signInAsGuest();
    // Shown once the kubernetes backend has answered (and the user may read clusters and
    // resources; without, the plugin shows "Permission required" instead).
    const heading = page.getByRole('heading', { name: 'Your Clusters' });
    const denied = page.getByText('Permission required');
    await heading.or(denied).first().waitFor({ timeout: 90_000 });
    assert.equal(
      await denied.count(),
      0,
      'the permission policy denies kubernetes.clusters.read or kubernetes.resources.read',
    );

    const seen = {};
    for (const cluster of SPOKES) {
      const accordion = clusterAccordion(cluster);
      await accordion.waitFor({ timeout: 60_000 });
      const summary = summaryOf(accordion);
      const podCount = new RegExp(`(^|\\D)${REPLICAS} pods\\b`);
      const summaryText = await settle(
        () => summary.innerText(),
        text => podCount.test(text),
      );
      assert.match(
        summaryText,
        podCount,
        `${cluster}'s summary: ${JSON.stringify(summaryText)}`,
      );
      if ((await summary.getAttribute('aria-expanded')) !== 'true')
        await summary.click();

      // The Deployment's accordion (its name and kind in the summary's drawer button; a Service
      // of the same name has an accordion of its own), then its pods.
      const deployment = accordion
        .locator(ACCORDION)
        .filter({ has: page.getByText(SERVICE, { exact: true }) })
        .filter({ has: page.getByText('Deployment', { exact: true }) })
        .first();
      await deployment.waitFor({ timeout: 30_000 });
      const deploymentSummary = summaryOf(deployment);
      if ((await deploymentSummary.getAttribute('aria-expanded')) !== 'true')
        // The expand icon: the name is a button of its own that opens the Deployment's drawer.
        await deploymentSummary.locator(EXPAND_ICON).click();
      const table = deployment.locator('table').first();
      await table.waitFor({ timeout: 30_000 });

      const rows = await settle(
        () => podRows(table),
        r =>
          r.length === REPLICAS &&
          r.every(
            p => p.name?.startsWith(`${SERVICE}-`) && p.phase === 'Running',
          ),
      );
      const detail = `${cluster}: ${JSON.stringify(rows)}`;
      assert.ok(
        rows.length > 0 && 'name' in rows[0] && 'phase' in rows[0],
        `the pods table's columns: ${detail}`,
      );
      assert.equal(rows.length, REPLICAS, detail);
      for (const pod of rows) {
        assert.ok(pod.name.startsWith(`${SERVICE}-`), detail);
        assert.equal(pod.phase, 'Running', detail);
      }
      assert.equal(new Set(rows.map(p => p.name)).size, REPLICAS, detail);
      seen[cluster] = rows.map(p => p.name);
    }
    // Each cluster runs its own pods.
    const all = Object.values(seen).flat();
    assert.equal(new Set(all).size, all.length, JSON.stringify(seen));

    fs.mkdirSync('.e2e', { recursive: true });
    await page.screenshot({ path: '.e2e/kubernetes-tab.png', fullPage: true });
  },
);
