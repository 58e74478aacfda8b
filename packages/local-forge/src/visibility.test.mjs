// Organisation visibility, as in Gitea: an anonymous caller sees nothing of a `private` or
// `limited` organisation, not even its public repositories (API, web pages, git clone); the
// signed-in user sees everything. Run by `node packages/local-forge/src/run-tests.mjs`.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  api,
  git,
  pushedRepo,
  startForge,
  uniqueName,
} from './forgeHarness.mjs';

let forge;
before(async () => {
  forge = await startForge();
});
after(async () => {
  await forge?.stop();
});

async function orgWithPublicRepo(visibility) {
  const org = uniqueName(visibility);
  const created = await api(forge, 'POST', '/orgs', {
    body: { username: org, visibility },
    auth: forge.auth(),
  });
  assert.equal(created.status, 201, created.text);
  const repo = await pushedRepo(forge, org, {
    'catalog-info.yaml': 'kind: Resource\n',
  });
  return { org, repo };
}

// forEach, not a loop: the tests' callbacks read `forge`, set in before().
['private', 'limited'].forEach(visibility => {
  test(`a public repository of a ${visibility} organisation is hidden from anonymous callers`, async () => {
    const { org, repo } = await orgWithPublicRepo(visibility);
    const apiPaths = [
      `/orgs/${org}`,
      `/repos/${org}/${repo}`,
      `/repos/${org}/${repo}/contents/catalog-info.yaml?ref=main`,
      `/repos/${org}/${repo}/git/commits/main`,
      `/repos/${org}/${repo}/archive/main.tar.gz`,
    ];
    for (const apiPath of apiPaths) {
      const anonymous = await api(forge, 'GET', apiPath);
      assert.equal(anonymous.status, 404, `anonymous ${apiPath}`);
      assert.ok(!anonymous.text.includes('kind: Resource'));
      assert.equal(
        (await api(forge, 'GET', apiPath, { auth: forge.auth() })).status,
        200,
        `signed in ${apiPath}`,
      );
    }
    for (const page of [
      `/${org}/${repo}`,
      `/${org}/${repo}/src/branch/main`,
      `/${org}/${repo}/raw/branch/main/catalog-info.yaml`,
    ]) {
      assert.equal(
        (await fetch(`${forge.url}${page}`)).status,
        404,
        `anonymous ${page}`,
      );
      const signedIn = await fetch(`${forge.url}${page}`, {
        headers: { authorization: forge.auth() },
      });
      assert.equal(signedIn.status, 200, `signed in ${page}`);
    }

    // git asks for credentials (401), as for a private repository, and clones with them.
    const cloneUrl = `${forge.url}/${org}/${repo}.git`;
    assert.equal(
      (await fetch(`${cloneUrl}/info/refs?service=git-upload-pack`)).status,
      401,
    );
    assert.notEqual(
      git(['clone', '-q', cloneUrl, path.join(forge.dir, `${repo}-anon`)])
        .status,
      0,
    );
    const clone = git(
      ['clone', '-q', cloneUrl, path.join(forge.dir, `${repo}-clone`)],
      { authorization: forge.auth() },
    );
    assert.equal(clone.status, 0, clone.stderr);
  });
});

test('a public repository of a public organisation stays readable anonymously', async () => {
  const { org, repo } = await orgWithPublicRepo('public');
  assert.equal(
    (
      await api(
        forge,
        'GET',
        `/repos/${org}/${repo}/contents/catalog-info.yaml`,
      )
    ).status,
    200,
  );
  assert.equal(
    (await fetch(`${forge.url}/${org}/${repo}/src/branch/main`)).status,
    200,
  );
  const clone = git([
    'clone',
    '-q',
    `${forge.url}/${org}/${repo}.git`,
    path.join(forge.dir, `${repo}-anon`),
  ]);
  assert.equal(clone.status, 0, clone.stderr);
});
