// Path traversal and git argument injection through the routes that hand a path or a ref to
// git (contents, raw/src pages, archive, git/commits, default_branch): refused before git runs
// (422, as for any invalid input), and dot-segments cannot reach around an access check.
// Requests go out with `rawRequest`, so the forge sees the paths exactly as written here.
// Run by `node packages/local-forge/src/run-tests.mjs`.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  ORG,
  api,
  pushedRepo,
  rawRequest,
  startForge,
  uniqueName,
} from './forgeHarness.mjs';

let forge;
let repo; // public, with dir/a.yaml and b.txt
let secret; // private, with secret.txt
before(async () => {
  forge = await startForge();
  repo = await pushedRepo(forge, ORG, {
    'dir/a.yaml': 'a: 1\n',
    'b.txt': 'b\n',
  });
  secret = await pushedRepo(
    forge,
    ORG,
    { 'secret.txt': 'top secret\n' },
    { private: true },
  );
});
after(async () => {
  await forge?.stop();
});

const get = (rawPath, headers = {}) =>
  rawRequest(forge, { path: rawPath, headers });

async function assertRefused(rawPath, status, message) {
  const res = await get(rawPath);
  assert.equal(res.status, status, `${rawPath}: ${res.text}`);
  if (message) assert.match(res.json?.message ?? '', message, rawPath);
  assert.ok(!res.text.includes('top secret'), rawPath);
}

test('contents and raw pages refuse encoded ../ segments, absolute paths and NUL in the file path', async () => {
  const paths = [
    '..%2F..%2Fforge-repo.json',
    'dir%2F..%2F..%2Fb.txt',
    '..%2F',
    '%2Fetc%2Fpasswd',
    'b.txt%00',
    'dir/..%2F..%2Fconfig',
  ];
  for (const p of paths) {
    await assertRefused(
      `/api/v1/repos/${ORG}/${repo}/contents/${p}?ref=main`,
      422,
      /invalid path/,
    );
    await assertRefused(
      `/${ORG}/${repo}/raw/branch/main/${p}`,
      422,
      /invalid path/,
    );
    await assertRefused(
      `/${ORG}/${repo}/src/branch/main/${p}`,
      422,
      /invalid path/,
    );
  }
  // The same file without the detour is there: the refusals above are about the path.
  assert.equal(
    (await get(`/${ORG}/${repo}/raw/branch/main/b.txt`)).text,
    'b\n',
  );
});

test('dot-segments, plain or percent-encoded, cannot reach a private repository around the access check', async () => {
  for (const dots of ['..', '%2e%2e', '%2E.', '.%2e']) {
    const up = n => Array(n).fill(dots).join('/');
    // Each lands on the private repository once the URL is normalised (checked signed in below).
    const around = [
      `/api/v1/repos/${ORG}/${repo}/contents/${up(2)}/${secret}/contents/secret.txt`,
      `/api/v1/repos/${ORG}/${repo}/contents/${up(6)}/${ORG}/${secret}/raw/branch/main/secret.txt`,
      `/${ORG}/${repo}/raw/branch/main/${up(5)}/${ORG}/${secret}/raw/branch/main/secret.txt`,
      `/${ORG}/${repo}/${up(1)}/${secret}.git/info/refs?service=git-upload-pack`,
    ];
    for (const p of around) {
      const anonymous = await get(p);
      assert.ok(
        [401, 404].includes(anonymous.status),
        `${p}: ${anonymous.status}`,
      );
      assert.ok(!anonymous.text.includes('top secret'), p);
      assert.equal(
        (await get(p, { authorization: forge.auth() })).status,
        200,
        `signed in ${p}`,
      );
    }
  }
});

test('refs that look like git options or ranges are refused in contents, raw, archive and git/commits', async () => {
  const refs = [
    '--output=%2Ftmp%2Fforge-pwned',
    '--help',
    '-h',
    'main..main',
    '..%2F..%2Fmain',
    'main%2F..%2F..',
    'main:secret.txt',
    'HEAD@{0}',
    'main^{tree}',
  ];
  for (const ref of refs) {
    await assertRefused(
      `/api/v1/repos/${ORG}/${repo}/contents/b.txt?ref=${ref}`,
      422,
      /invalid ref/,
    );
    await assertRefused(
      `/api/v1/repos/${ORG}/${repo}/git/commits/${ref}`,
      422,
      /invalid ref/,
    );
    await assertRefused(
      `/api/v1/repos/${ORG}/${repo}/archive/${ref}.tar.gz`,
      422,
      /invalid ref/,
    );
    await assertRefused(
      `/api/v1/repos/${ORG}/${repo}/archive/${ref}.zip`,
      422,
      /invalid ref/,
    );
    await assertRefused(
      `/${ORG}/${repo}/raw/commit/${ref}/b.txt`,
      422,
      /invalid ref/,
    );
  }
  for (const option of ['--remote=x', '--exec=x', '--output=x']) {
    await assertRefused(
      `/api/v1/repos/${ORG}/${repo}/archive/${option}.tar.gz`,
      422,
      /invalid ref/,
    );
  }
  // A branch is looked up among the existing branches, so option-like names are simply unknown.
  await assertRefused(`/${ORG}/${repo}/raw/branch/--output=x/b.txt`, 404);
  // Real refs still work.
  assert.equal(
    (await api(forge, 'GET', `/repos/${ORG}/${repo}/git/commits/main`)).status,
    200,
  );
  assert.equal(
    (await get(`/api/v1/repos/${ORG}/${repo}/archive/main.tar.gz`)).status,
    200,
  );
});

test('default_branch that looks like an option or a path is refused, and nothing is created', async () => {
  for (const branch of [
    '--template=/tmp',
    '--bare',
    '-b',
    '../x',
    'a/../b',
    '/abs',
    'a..b',
    'x.lock',
    'a b',
    'main\n--bare',
  ]) {
    const name = uniqueName('branch');
    const res = await api(forge, 'POST', `/orgs/${ORG}/repos`, {
      body: { name, default_branch: branch },
      auth: forge.auth(),
    });
    assert.equal(res.status, 422, `${JSON.stringify(branch)}: ${res.text}`);
    assert.match(res.json.message, /invalid default branch/);
    assert.equal(
      (await api(forge, 'GET', `/repos/${ORG}/${name}`, { auth: forge.auth() }))
        .status,
      404,
    );
  }
  const name = uniqueName('branch');
  const ok = await api(forge, 'POST', `/orgs/${ORG}/repos`, {
    body: { name, default_branch: 'release/v1' },
    auth: forge.auth(),
  });
  assert.deepEqual([ok.status, ok.json.default_branch], [201, 'release/v1']);
});
