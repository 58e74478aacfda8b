// Browser test: a platform engineer fills in the spoke template's form in /create, ticks
// "Publish", picks a new repository on the stack's Gitea, and creates it. The task page must end
// with links to the repository and to the new cluster in the catalog; Gitea's API must then serve
// the published catalog-info.yaml, the repository link must open Gitea's page (styled: its web
// bundle is built), and the catalog must hold the cluster. Run by packages/e2e/src/run.mjs,
// which passes the stack's environment.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  backend,
  base,
  guestHeaders,
  launchBrowser,
  signInAsGuest as signIn,
  sleep,
} from './support/app.mjs';

const gitea = {
  url: process.env.MONITORING_FORGE_URL ?? 'http://127.0.0.1:3300',
  auth: `Basic ${Buffer.from(`${process.env.MONITORING_FORGE_USERNAME ?? 'backstage'}:${process.env.MONITORING_FORGE_PASSWORD}`).toString('base64')}`,
  org: 'team-platform',
};
/** The Gitea host as integrations.gitea names it (the repository picker lists it). */
const giteaHost = new URL(gitea.url).host;
let browser;
let page;
const pageErrors = [];

before(async () => {
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
  page.on('pageerror', err => pageErrors.push(err.message));
});
after(async () => {
  await browser?.close();
});

const signInAsGuest = () => signIn(page);

test(
  'the spoke form publishes to the local Gitea and registers the cluster',
  { timeout: 300_000 },
  async t => {
    t.after(async () => {
      await page.mouse.move(1300, 700); // the sidebar folds away when the pointer leaves it
      await page.waitForTimeout(500);
      await page.screenshot({ path: '.e2e/template-form.png' }).catch(() => {});
    });
    const cluster = `ui-spoke-${Date.now().toString(36)}`;
    // Clean up whatever the run got to: the catalog location and the repository.
    t.after(async () => {
      const headers = await guestHeaders();
      const found = await fetch(
        `${backend}/api/catalog/locations/by-entity/resource/default/${cluster}`,
        { headers },
      );
      if (found.ok) {
        const { id } = await found.json();
        await fetch(`${backend}/api/catalog/locations/${id}`, {
          method: 'DELETE',
          headers,
        });
      }
      await fetch(`${gitea.url}/api/v1/repos/${gitea.org}/${cluster}`, {
        method: 'DELETE',
        headers: { authorization: gitea.auth },
      });
    });
    await page.goto(`${base}/create/templates/default/monitoring-spoke`);
    await signInAsGuest();

    // Page 1: the spoke.
    await page.locator('#root_clusterName').fill(cluster);
    await page.locator('#root_environment').fill('qa');
    await page.getByRole('button', { name: 'Next' }).click();

    // Page 2: publish to a new repository (the repository picker needs the app's ScmAuth API).
    await page.locator('#root_publish').check();
    await page.getByText('Owner', { exact: true }).waitFor({ timeout: 30_000 });
    const host = page.locator('select');
    assert.deepEqual(await host.locator('option').allInnerTexts(), [
      giteaHost,
      'github.com',
    ]);
    await host.selectOption(giteaHost);
    // Typed like a person: the repository field is an autocomplete that ignores a bare fill.
    await page.locator('#ownerInput').click();
    await page.keyboard.type(gitea.org);
    await page.getByRole('textbox').last().click();
    await page.keyboard.type(cluster);
    await page.keyboard.press('Tab');
    await page.getByRole('button', { name: 'Next' }).click();

    // Page 3: apply stays off; then the review page and Create.
    await page.locator('#root_apply').waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('#root_apply').isChecked(), false);
    await page.getByRole('button', { name: 'Review' }).click();
    await page.getByText(cluster).first().waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Create' }).click();

    // The task page: every step's log streams in; at the end, the output links.
    const repoLink = page.getByRole('link', { name: 'Repository' });
    await repoLink.waitFor({ timeout: 180_000 });
    assert.match(
      await repoLink.getAttribute('href'),
      new RegExp(`/${gitea.org}/${cluster}/src/branch/main/?$`),
    );
    const entityLink = page.getByRole('link', {
      name: 'The cluster in the catalog',
    });
    await entityLink.waitFor({ timeout: 30_000 });
    assert.match(
      await entityLink.getAttribute('href'),
      new RegExp(`/catalog/default/resource/${cluster}$`),
    );
    t.diagnostic(`task page: ${page.url()}`);

    // What was published, through Gitea's API: the cluster's catalog-info.yaml, base64.
    const contents = await fetch(
      `${gitea.url}/api/v1/repos/${gitea.org}/${cluster}/contents/catalog-info.yaml?ref=main`,
      { headers: { authorization: gitea.auth } },
    );
    assert.equal(contents.status, 200);
    const published = Buffer.from(
      (await contents.json()).content,
      'base64',
    ).toString('utf8');
    assert.match(published, new RegExp(`name: ${cluster}\\n`));

    // The task page's repository link opens Gitea's page for it, with its stylesheet.
    const repoPage = await browser.newPage({
      viewport: { width: 1200, height: 800 },
    });
    try {
      await repoPage.goto(await repoLink.getAttribute('href'));
      assert.match(
        await repoPage.title(),
        new RegExp(`${gitea.org}/${cluster}`),
      );
      await repoPage.getByText('catalog-info.yaml').first().waitFor();
      const css = await repoPage.evaluate(
        () =>
          [...document.styleSheets].filter(
            sheet =>
              sheet.href?.includes('/assets/css/index') &&
              sheet.cssRules.length > 0,
          ).length,
      );
      assert.ok(
        css > 0,
        "Gitea's page has no stylesheet: is its web bundle built?",
      );
      await repoPage.screenshot({ path: '.e2e/gitea-repository.png' });
    } finally {
      await repoPage.close();
    }
    // The page lays out beside the pinned sidebar, not under it (Backstage UI's styles are loaded).
    const sidebar = await page
      .getByRole('link', { name: /^Create/ })
      .first()
      .boundingBox();
    const title = await page.getByText(/^Run of /).boundingBox();
    assert.ok(
      sidebar && title && title.x >= sidebar.x + sidebar.width,
      `title at x=${title?.x}, sidebar ends at ${sidebar && sidebar.x + sidebar.width}`,
    );

    // The catalog holds the cluster, related to the hub.
    const headers = await guestHeaders();
    let entity;
    for (let i = 0; i < 30 && !entity; i++) {
      const res = await fetch(
        `${backend}/api/catalog/entities/by-name/resource/default/${cluster}`,
        { headers },
      );
      if (res.ok) entity = await res.json();
      else await sleep(1000);
    }
    assert.ok(entity, `resource:default/${cluster} is not in the catalog`);
    assert.equal(entity.spec.type, 'kubernetes-cluster');
    assert.ok(
      entity.relations.some(
        r =>
          r.type === 'dependsOn' &&
          r.targetRef === 'resource:default/hub-cluster',
      ),
    );
    assert.deepEqual(pageErrors, []);

    t.diagnostic(
      `registered from ${entity.metadata.annotations['backstage.io/managed-by-location']}`,
    );
  },
);
