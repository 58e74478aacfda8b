// What a web page in the developer's browser must not get the forge to do: cross-site requests
// (CSRF, riding on cached Basic credentials) and DNS rebinding. Run by
// `node packages/local-forge/src/run-tests.mjs`.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  ORG,
  api,
  rawRequest,
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

const exists = async name =>
  (await api(forge, 'GET', `/repos/${ORG}/${name}`, { auth: forge.auth() }))
    .status === 200;

test('a body that is not application/json is refused like a Gitea binding error, and nothing is created', async () => {
  // What an HTML form or a no-preflight `fetch` from another origin can send.
  const simpleTypes = [
    'text/plain',
    'text/plain;charset=UTF-8',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    // Still CORS-safelisted: the essence is text/plain whatever the parameters say.
    'text/plain; x=application/json',
  ];
  for (const contentType of [...simpleTypes, undefined]) {
    const name = uniqueName('csrf');
    const headers = { authorization: forge.auth(), host: forge.host };
    if (contentType) headers['content-type'] = contentType;
    const res = await rawRequest(forge, {
      method: 'POST',
      path: `/api/v1/orgs/${ORG}/repos`,
      headers,
      body: JSON.stringify({ name }),
    });
    assert.equal(res.status, 422, `${contentType}: ${res.text}`);
    assert.equal(res.json.message, '[]: Unsupported Content-Type');
    assert.equal(
      await exists(name),
      false,
      `${contentType} created a repository`,
    );
  }
  const orgName = uniqueName('csrf-org');
  const org = await rawRequest(forge, {
    method: 'POST',
    path: '/api/v1/orgs',
    headers: { authorization: forge.auth(), 'content-type': 'text/plain' },
    body: JSON.stringify({ username: orgName }),
  });
  assert.equal(org.status, 422);
  assert.equal(
    (await api(forge, 'GET', `/orgs/${orgName}`, { auth: forge.auth() }))
      .status,
    404,
  );
});

test('a DELETE carrying a non-JSON body is refused; without a body it needs no content type', async () => {
  const name = uniqueName('delete');
  assert.equal(
    (
      await api(forge, 'POST', `/orgs/${ORG}/repos`, {
        body: { name },
        auth: forge.auth(),
      })
    ).status,
    201,
  );
  const withText = await rawRequest(forge, {
    method: 'DELETE',
    path: `/api/v1/repos/${ORG}/${name}`,
    headers: { authorization: forge.auth(), 'content-type': 'text/plain' },
    body: 'x',
  });
  assert.equal(withText.status, 422);
  assert.equal(await exists(name), true);
  const bare = await rawRequest(forge, {
    method: 'DELETE',
    path: `/api/v1/repos/${ORG}/${name}`,
    headers: { authorization: forge.auth() },
  });
  assert.equal(bare.status, 204);
  assert.equal(await exists(name), false);
});

test('application/json with parameters is accepted', async () => {
  const name = uniqueName('json');
  const res = await rawRequest(forge, {
    method: 'POST',
    path: `/api/v1/orgs/${ORG}/repos`,
    headers: {
      authorization: forge.auth(),
      'content-type': 'Application/JSON; charset=utf-8',
    },
    body: JSON.stringify({ name }),
  });
  assert.equal(res.status, 201, res.text);
});

test('a Host header that does not name the forge is refused (DNS rebinding) before anything runs', async () => {
  const { port } = new URL(forge.url);
  for (const host of [
    `rebind.example:${port}`,
    'rebind.example',
    `127.0.0.1:${Number(port) + 1}`,
    `127.0.0.1:${port}.rebind.example`,
  ]) {
    const name = uniqueName('rebind');
    const create = await rawRequest(forge, {
      method: 'POST',
      path: `/api/v1/orgs/${ORG}/repos`,
      headers: {
        host,
        authorization: forge.auth(),
        'content-type': 'application/json',
      },
      body: JSON.stringify({ name }),
    });
    assert.equal(create.status, 421, `${host}: ${create.text}`);
    assert.equal(await exists(name), false, `${host} created a repository`);
    const read = await rawRequest(forge, {
      path: `/api/v1/orgs/${ORG}`,
      headers: { host, authorization: forge.auth() },
    });
    assert.equal(read.status, 421, host);
    assert.ok(!read.text.includes(ORG), 'nothing about the forge leaks');
    const gitAdvert = await rawRequest(forge, {
      path: `/${ORG}/x.git/info/refs?service=git-upload-pack`,
      headers: { host },
    });
    assert.equal(gitAdvert.status, 421, host);
  }
  // The forge's own names still work, whatever their case.
  for (const host of [forge.host, `localhost:${port}`, `LOCALHOST:${port}`]) {
    assert.equal(
      (await rawRequest(forge, { path: '/api/v1/version', headers: { host } }))
        .status,
      200,
      host,
    );
  }
});

test('a malformed request target is a 400, and the forge keeps serving', async () => {
  const res = await rawRequest(forge, {
    path: 'http://[',
    headers: { host: forge.host },
  });
  assert.equal(res.status, 400);
  assert.equal((await fetch(`${forge.url}/api/healthz`)).status, 200);
});
