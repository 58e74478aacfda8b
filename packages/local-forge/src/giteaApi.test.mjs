// Over 400 lines: the whole API subset in one suite; it goes with the forge when a real Gitea
// replaces it (issue 19).
// The forge's Gitea API as Backstage's own pieces use it: the real `publish:gitea` action of
// @backstage/plugin-scaffolder-backend-module-gitea, and the real URL readers of
// @backstage/backend-defaults that the catalog reads a registered catalog-info.yaml with.
// Run by `node packages/local-forge/src/run-tests.mjs`.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createRequire } from 'node:module';
import {
  ORG,
  USER,
  api,
  commitFiles,
  git,
  startForge,
  uniqueName,
} from './forgeHarness.mjs';

// Backstage's packages as the backend loads them (CommonJS): the ESM builds of some releases
// import lodash by named exports, which Node's ESM loader refuses.
const require = createRequire(import.meta.url);
const { ConfigReader } = require('@backstage/config');
const { ScmIntegrations } = require('@backstage/integration');
const { UrlReaders } = require('@backstage/backend-defaults/urlReader');
const {
  createPublishGiteaAction,
} = require('@backstage/plugin-scaffolder-backend-module-gitea');

let forge;
let config;
before(async () => {
  forge = await startForge();
  config = new ConfigReader({
    integrations: {
      gitea: [
        {
          host: forge.host,
          baseUrl: forge.url,
          username: USER,
          password: forge.password,
        },
      ],
    },
  });
});
after(async () => {
  await forge?.stop();
});

const quietLogger = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  child() {
    return quietLogger;
  },
};

async function publish(repoName, files, owner = ORG) {
  const workspacePath = path.join(forge.dir, `ws-${repoName}`);
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(workspacePath, file)), {
      recursive: true,
    });
    fs.writeFileSync(path.join(workspacePath, file), text);
  }
  const action = createPublishGiteaAction({
    integrations: ScmIntegrations.fromConfig(config),
    config,
  });
  const output = {};
  await action.handler({
    input: {
      repoUrl: `${forge.host}?owner=${owner}&repo=${repoName}`,
      description: `test ${repoName}`,
    },
    workspacePath,
    logger: quietLogger,
    output: (key, value) => {
      output[key] = value;
    },
    signal: new AbortController().signal,
  });
  return output;
}

test('publish:gitea creates the repository, pushes the workspace and reports its URLs', async () => {
  const name = uniqueName('published');
  const output = await publish(name, {
    'catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Resource\n',
    'spokes/qa-cluster/001-vmagent-qa.yaml': 'kind: VMAgent\n',
  });
  assert.equal(output.remoteUrl, `${forge.url}/${ORG}/${name}.git`);
  assert.equal(
    output.repoContentsUrl,
    `${forge.url}/${ORG}/${name}/src/branch/main/`,
  );
  assert.match(output.commitHash, /^[0-9a-f]{40}$/);

  const repo = await api(forge, 'GET', `/repos/${ORG}/${name}`);
  assert.equal(repo.status, 200);
  assert.equal(repo.json.full_name, `${ORG}/${name}`);
  assert.equal(repo.json.default_branch, 'main');
  assert.equal(repo.json.empty, false);
  assert.equal(repo.json.description, `test ${name}`);
  // The page the action polls (anonymously) until the branch shows.
  assert.equal((await fetch(output.repoContentsUrl)).status, 200);
  const clone = path.join(forge.dir, `clone-${name}`);
  assert.equal(
    git(['clone', '-q', output.remoteUrl, clone], {
      authorization: forge.auth(),
    }).status,
    0,
  );
  assert.equal(
    git(['rev-parse', 'HEAD'], { cwd: clone }).stdout.trim(),
    output.commitHash,
  );
  assert.equal(
    fs.readFileSync(
      path.join(clone, 'spokes/qa-cluster/001-vmagent-qa.yaml'),
      'utf8',
    ),
    'kind: VMAgent\n',
  );
});

test('publish:gitea to an organisation that does not exist fails as against Gitea', async () => {
  await assert.rejects(
    publish(uniqueName('nowhere'), { 'a.txt': 'a' }, 'no-such-org'),
    /Organization no-such-org do not exist/,
  );
});

test('publish:gitea refuses to overwrite an existing repository (409 from the forge)', async () => {
  const name = uniqueName('twice');
  await publish(name, { 'a.txt': 'a' });
  await assert.rejects(
    publish(name, { 'a.txt': 'b' }),
    /Unable to create repository, 409/,
  );
});

test("the catalog's URL reader reads a published catalog-info.yaml through the contents API", async () => {
  const name = uniqueName('catalog');
  const text =
    'apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata:\n  name: qa-cluster\n';
  const { repoContentsUrl } = await publish(name, {
    'catalog-info.yaml': text,
    'spokes/x.yaml': 'x: 1\n',
  });
  // The reader the catalog uses, chosen by the integration host: no backend.reading.allow needed.
  const reader = UrlReaders.default({ config, logger: quietLogger });
  const url = `${repoContentsUrl}catalog-info.yaml`;
  const read = await reader.readUrl(url);
  assert.equal((await read.buffer()).toString('utf8'), text);
  const found = await reader.search(url);
  assert.equal(found.files.length, 1);
  assert.equal((await found.files[0].content()).toString('utf8'), text);
  assert.equal(
    (await reader.search(`${repoContentsUrl}missing.yaml`)).files.length,
    0,
  );
  await assert.rejects(reader.readUrl(`${repoContentsUrl}missing.yaml`), {
    name: 'NotFoundError',
  });
  // readTree: latest commit (git/commits) + archive (tar.gz with the repo name as prefix).
  const tree = await reader.readTree(repoContentsUrl);
  const files = Object.fromEntries(
    await Promise.all(
      (await tree.files()).map(async f => [
        f.path,
        (await f.content()).toString('utf8'),
      ]),
    ),
  );
  assert.deepEqual(files, {
    'catalog-info.yaml': text,
    'spokes/x.yaml': 'x: 1\n',
  });
  const latest = await api(
    forge,
    'GET',
    `/repos/${ORG}/${name}/git/commits/main`,
  );
  assert.equal(tree.etag, latest.json.sha);
});

test('contents: a file is base64 with its blob sha, a directory lists entries, unknown refs 404', async () => {
  const name = uniqueName('contents');
  const work = path.join(forge.dir, name);
  await api(forge, 'POST', `/orgs/${ORG}/repos`, {
    body: { name },
    auth: forge.auth(),
  });
  const sha = commitFiles(work, { 'dir/a.yaml': 'a: 1\n', 'b.txt': 'b\n' });
  git(['push', `${forge.url}/${ORG}/${name}.git`, 'main'], {
    cwd: work,
    authorization: forge.auth(),
  });

  const file = await api(
    forge,
    'GET',
    `/repos/${ORG}/${name}/contents/dir/a.yaml?ref=main`,
  );
  assert.equal(file.status, 200);
  assert.deepEqual(
    [
      file.json.type,
      file.json.encoding,
      file.json.path,
      file.json.last_commit_sha,
    ],
    ['file', 'base64', 'dir/a.yaml', sha],
  );
  assert.equal(
    Buffer.from(file.json.content, 'base64').toString('utf8'),
    'a: 1\n',
  );
  assert.equal(
    file.json.sha,
    git(['rev-parse', 'HEAD:dir/a.yaml'], { cwd: work }).stdout.trim(),
  );
  const root = await api(
    forge,
    'GET',
    `/repos/${ORG}/${name}/contents?ref=${sha}`,
  );
  assert.deepEqual(
    root.json.map(e => [e.path, e.type]),
    [
      ['b.txt', 'file'],
      ['dir', 'dir'],
    ],
  );
  assert.equal(
    (
      await api(
        forge,
        'GET',
        `/repos/${ORG}/${name}/contents/nope.yaml?ref=main`,
      )
    ).status,
    404,
  );
  assert.equal(
    (
      await api(
        forge,
        'GET',
        `/repos/${ORG}/${name}/contents/b.txt?ref=no-such-branch`,
      )
    ).status,
    404,
  );
  assert.equal(
    (
      await api(
        forge,
        'GET',
        `/repos/${ORG}/${name}/contents/b.txt?ref=--output=x`,
      )
    ).status,
    422,
  );
});

test('creating repositories: 401 without credentials, 422 for a bad name, 404 for a missing org', async () => {
  const name = uniqueName('rules');
  const anonymous = await api(forge, 'POST', `/orgs/${ORG}/repos`, {
    body: { name },
  });
  assert.equal(anonymous.status, 401);
  assert.match(anonymous.headers.get('www-authenticate'), /^Basic /);
  assert.equal(
    (
      await api(forge, 'POST', `/orgs/${ORG}/repos`, {
        body: { name: 'x.git' },
        auth: forge.auth(),
      })
    ).status,
    422,
  );
  assert.equal(
    (
      await api(forge, 'POST', `/orgs/${ORG}/repos`, {
        body: {},
        auth: forge.auth(),
      })
    ).status,
    422,
  );
  assert.equal(
    (
      await api(forge, 'POST', '/orgs/no-such-org/repos', {
        body: { name },
        auth: forge.auth(),
      })
    ).status,
    404,
  );
  assert.equal(
    (await api(forge, 'GET', `/repos/${ORG}/${name}`)).status,
    404,
    'nothing was created',
  );
  const created = await api(forge, 'POST', `/orgs/${ORG}/repos`, {
    body: { name, private: true },
    auth: forge.auth(),
  });
  assert.equal(created.status, 201);
  assert.deepEqual(
    [created.json.private, created.json.empty, created.json.owner.login],
    [true, true, ORG],
  );
});

test('organisations: GET answers the org or 404 JSON; POST /orgs creates one once', async () => {
  const org = await api(forge, 'GET', `/orgs/${ORG}`);
  assert.deepEqual(
    [org.status, org.json.name, org.json.visibility],
    [200, ORG, 'public'],
  );
  const missing = await api(forge, 'GET', '/orgs/no-such-org');
  assert.equal(missing.status, 404);
  assert.equal(typeof missing.json.message, 'string');
  const name = uniqueName('org');
  assert.equal(
    (
      await api(forge, 'POST', '/orgs', {
        body: { username: name },
        auth: forge.auth(),
      })
    ).status,
    201,
  );
  assert.equal(
    (
      await api(forge, 'POST', '/orgs', {
        body: { username: name },
        auth: forge.auth(),
      })
    ).status,
    422,
  );
  assert.equal(
    (await api(forge, 'POST', '/orgs', { body: { username: uniqueName('x') } }))
      .status,
    401,
  );
});

test('credentials: /user needs them, wrong ones are 401 even on public reads', async () => {
  assert.equal((await api(forge, 'GET', '/user')).status, 401);
  const me = await api(forge, 'GET', '/user', { auth: forge.auth() });
  assert.deepEqual([me.status, me.json.login], [200, USER]);
  const wrong = await api(forge, 'GET', `/orgs/${ORG}`, {
    auth: forge.auth(USER, 'wrong'),
  });
  assert.equal(wrong.status, 401);
  assert.ok(!wrong.text.includes(forge.password));
});

test('deleting a repository: 401 anonymously, 204 signed in, then 404', async () => {
  const name = uniqueName('delete');
  await api(forge, 'POST', `/orgs/${ORG}/repos`, {
    body: { name },
    auth: forge.auth(),
  });
  assert.equal(
    (await api(forge, 'DELETE', `/repos/${ORG}/${name}`)).status,
    401,
  );
  assert.equal(
    (
      await api(forge, 'DELETE', `/repos/${ORG}/${name}`, {
        auth: forge.auth(),
      })
    ).status,
    204,
  );
  assert.equal((await api(forge, 'GET', `/repos/${ORG}/${name}`)).status, 404);
});

test('unknown routes answer 404 JSON like Gitea; a known path with another method 405', async () => {
  for (const url of [
    `${forge.url}/api/v1/nothing/here`,
    `${forge.url}/api/v2/x`,
    `${forge.url}/a/b/c/d`,
  ]) {
    const res = await fetch(url);
    assert.equal(res.status, 404, url);
    assert.match(res.headers.get('content-type'), /application\/json/);
    const body = await res.json();
    assert.equal(typeof body.message, 'string');
    assert.equal(body.url, `${forge.url}/api/swagger`);
  }
  assert.equal(
    (await api(forge, 'PUT', `/orgs/${ORG}`, { auth: forge.auth() })).status,
    405,
  );
  assert.equal((await fetch(`${forge.url}/api/healthz`)).status, 200);
});
