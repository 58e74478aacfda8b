// git over smart HTTP through the forge: the real git client against the real
// `git http-backend`, with Gitea's access rules. Run by `node packages/local-forge/src/run-tests.mjs`.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  ORG,
  api,
  commitFiles,
  git,
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

async function createRepo(name, extra = {}) {
  const res = await api(forge, 'POST', `/orgs/${ORG}/repos`, {
    body: { name, ...extra },
    auth: forge.auth(),
  });
  assert.equal(res.status, 201, res.text);
  return res.json;
}

test('a push with the right credentials lands, and a clone with them gets it back', async () => {
  const repo = await createRepo(uniqueName('push'));
  const work = path.join(forge.dir, repo.name);
  const sha = commitFiles(work, {
    'catalog-info.yaml': 'kind: Resource\n',
    'spokes/qa/001-vmagent.yaml': 'kind: VMAgent\n',
  });

  const push = git(['push', repo.clone_url, 'main'], {
    cwd: work,
    authorization: forge.auth(),
  });
  assert.equal(push.status, 0, push.stderr);

  const clone = path.join(forge.dir, `${repo.name}-clone`);
  const res = git(['clone', '-q', repo.clone_url, clone], {
    authorization: forge.auth(),
  });
  assert.equal(res.status, 0, res.stderr);
  assert.equal(git(['rev-parse', 'HEAD'], { cwd: clone }).stdout.trim(), sha);
  assert.equal(
    fs.readFileSync(path.join(clone, 'spokes/qa/001-vmagent.yaml'), 'utf8'),
    'kind: VMAgent\n',
  );
  const pushed = await api(forge, 'GET', `/repos/${ORG}/${repo.name}`);
  assert.equal(pushed.json.empty, false);
});

test('a push without credentials is refused with 401 and changes nothing', async () => {
  const repo = await createRepo(uniqueName('anon'));
  const work = path.join(forge.dir, repo.name);
  commitFiles(work, { 'README.md': 'x\n' });

  const advert = await fetch(
    `${repo.clone_url}/info/refs?service=git-receive-pack`,
  );
  assert.equal(advert.status, 401);
  assert.match(advert.headers.get('www-authenticate') ?? '', /^Basic /);

  const push = git(['push', repo.clone_url, 'main'], { cwd: work });
  assert.notEqual(push.status, 0);
  const refs = git(['ls-remote', repo.clone_url]);
  assert.equal(refs.status, 0, refs.stderr);
  assert.equal(refs.stdout.trim(), '', 'no branch was created');
  assert.equal(
    (await api(forge, 'GET', `/repos/${ORG}/${repo.name}`)).json.empty,
    true,
  );
});

test('a push with a wrong password is refused with 401', async () => {
  const repo = await createRepo(uniqueName('wrong'));
  const work = path.join(forge.dir, repo.name);
  commitFiles(work, { 'README.md': 'x\n' });
  const wrong = forge.auth(undefined, 'not-the-password');

  const advert = await fetch(
    `${repo.clone_url}/info/refs?service=git-receive-pack`,
    {
      headers: { authorization: wrong },
    },
  );
  assert.equal(advert.status, 401);
  const push = git(['push', repo.clone_url, 'main'], {
    cwd: work,
    authorization: wrong,
  });
  assert.notEqual(push.status, 0);
  assert.equal(
    git(['ls-remote', repo.clone_url]).stdout.trim(),
    '',
    'no branch was created',
  );
});

test('a private repository is hidden from anonymous callers and clones with credentials', async () => {
  const repo = await createRepo(uniqueName('private'), { private: true });
  assert.equal(repo.private, true);
  const work = path.join(forge.dir, repo.name);
  commitFiles(work, { 'README.md': 'private\n' });
  assert.equal(
    git(['push', repo.clone_url, 'main'], {
      cwd: work,
      authorization: forge.auth(),
    }).status,
    0,
  );

  assert.equal(
    (await fetch(`${repo.clone_url}/info/refs?service=git-upload-pack`)).status,
    401,
  );
  assert.equal(
    (await api(forge, 'GET', `/repos/${ORG}/${repo.name}`)).status,
    404,
  );
  assert.equal(
    (
      await api(forge, 'GET', `/repos/${ORG}/${repo.name}`, {
        auth: forge.auth(),
      })
    ).status,
    200,
  );
  const anonymous = git([
    'clone',
    '-q',
    repo.clone_url,
    path.join(forge.dir, `${repo.name}-anon`),
  ]);
  assert.notEqual(anonymous.status, 0);
  const clone = path.join(forge.dir, `${repo.name}-clone`);
  const res = git(['clone', '-q', repo.clone_url, clone], {
    authorization: forge.auth(),
  });
  assert.equal(res.status, 0, res.stderr);
  assert.equal(
    fs.readFileSync(path.join(clone, 'README.md'), 'utf8'),
    'private\n',
  );
});

test('a public repository clones anonymously (Gitea default), over protocol v2 too', async () => {
  const repo = await createRepo(uniqueName('public'));
  const work = path.join(forge.dir, repo.name);
  commitFiles(work, { 'README.md': 'public\n' });
  assert.equal(
    git(['push', repo.clone_url, 'main'], {
      cwd: work,
      authorization: forge.auth(),
    }).status,
    0,
  );
  const clone = path.join(forge.dir, `${repo.name}-clone`);
  const res = git([
    '-c',
    'protocol.version=2',
    'clone',
    '-q',
    repo.clone_url,
    clone,
  ]);
  assert.equal(res.status, 0, res.stderr);
  assert.equal(
    fs.readFileSync(path.join(clone, 'README.md'), 'utf8'),
    'public\n',
  );
});

test('git requests for a repository that does not exist: 401 anonymously, 404/403 signed in', async () => {
  const missing = `${forge.url}/${ORG}/${uniqueName('missing')}.git`;
  assert.equal(
    (await fetch(`${missing}/info/refs?service=git-upload-pack`)).status,
    401,
  );
  const headers = { authorization: forge.auth() };
  assert.equal(
    (await fetch(`${missing}/info/refs?service=git-upload-pack`, { headers }))
      .status,
    404,
  );
  // No push-to-create for organisations, as in Gitea's default configuration.
  assert.equal(
    (await fetch(`${missing}/info/refs?service=git-receive-pack`, { headers }))
      .status,
    403,
  );
});

test('a first push to another branch than the default makes it the default, like Gitea', async () => {
  const repo = await createRepo(uniqueName('branch'));
  const work = path.join(forge.dir, repo.name);
  commitFiles(work, { 'README.md': 'x\n' });
  git(['branch', '-m', 'main', 'trunk'], { cwd: work });
  assert.equal(
    git(['push', repo.clone_url, 'trunk'], {
      cwd: work,
      authorization: forge.auth(),
    }).status,
    0,
  );
  assert.equal(
    (await api(forge, 'GET', `/repos/${ORG}/${repo.name}`)).json.default_branch,
    'trunk',
  );
  const head = git(['ls-remote', '--symref', repo.clone_url, 'HEAD']);
  assert.match(head.stdout, /ref: refs\/heads\/trunk\tHEAD/);
});
