// Test harness for the local forge: runs packages/local-forge/src/main.ts as its own process (as the stack
// does) on a free port with a throw-away data dir and a random development password, and runs
// the real `git` against it with no user or system config.
import { spawn, spawnSync } from 'node:child_process';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** A name no earlier run used. */
export const uniqueName = prefix =>
  `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const MAIN = path.join(here, 'main.ts');
const NODE_TRANSFORM =
  require.resolve('@backstage/cli/config/nodeTransform.cjs');

export const ORG = 'team-platform';
export const USER = 'backstage';

export async function startForge() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-test-'));
  const password = randomBytes(18).toString('base64url');
  const passwordFile = path.join(dir, 'password');
  fs.writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  const child = spawn(
    process.execPath,
    [
      '--require',
      NODE_TRANSFORM,
      MAIN,
      '--root',
      path.join(dir, 'forge'),
      '--port',
      '0',
      '--user',
      USER,
      '--password-file',
      passwordFile,
      '--org',
      ORG,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const onData = chunk => {
      output += chunk;
      const m = /forge listening on (http:\/\/\S+)/.exec(output);
      if (m) resolve(m[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', code =>
      reject(new Error(`forge exited ${code}: ${output}`)),
    );
  });
  return {
    url,
    host: new URL(url).host,
    password,
    dir,
    /** The forge's own log (request lines), for assertions about what it answered. */
    log: () => output,
    auth: (user = USER, pass = password) =>
      `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise(resolve => child.once('exit', resolve));
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs git with no user/system config and no prompts. Credentials go in through
 * GIT_CONFIG_* (an `http.extraHeader`), never on the command line or in a remote URL.
 */
export function git(args, { cwd, home, authorization } = {}) {
  const env = {
    PATH: process.env.PATH,
    HOME: home ?? os.tmpdir(),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: 'Forge Test',
    GIT_AUTHOR_EMAIL: 'forge-test@example.com',
    GIT_COMMITTER_NAME: 'Forge Test',
    GIT_COMMITTER_EMAIL: 'forge-test@example.com',
    LANG: 'C',
  };
  if (authorization) {
    Object.assign(env, {
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'http.extraHeader',
      GIT_CONFIG_VALUE_0: `Authorization: ${authorization}`,
    });
  }
  return spawnSync('git', args, { cwd, env, encoding: 'utf8' });
}

/** A work tree with one commit on `main` holding `files` ({ path: text }). */
export function commitFiles(dir, files) {
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  for (const args of [
    ['init', '-q', '-b', 'main'],
    ['add', '.'],
    ['commit', '-q', '-m', 'first commit'],
  ]) {
    const res = git(args, { cwd: dir });
    if (res.status !== 0) throw new Error(`git ${args[0]}: ${res.stderr}`);
  }
  return git(['rev-parse', 'HEAD'], { cwd: dir }).stdout.trim();
}

export async function api(forge, method, apiPath, { body, auth } = {}) {
  const headers = { 'content-type': 'application/json' };
  if (auth) headers.authorization = auth;
  const res = await fetch(`${forge.url}/api/v1${apiPath}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}

/**
 * One request with `node:http`, the path sent exactly as given: `fetch` (WHATWG URL parsing)
 * would resolve `..` and `%2e%2e` segments before they reach the forge, and cannot set `Host`.
 */
export function rawRequest(
  forge,
  { method = 'GET', path: rawPath, headers = {}, body } = {},
) {
  const { hostname, port } = new URL(forge.url);
  // node:http sends a DELETE's body without a length (so as no body) unless told.
  const withLength =
    body === undefined
      ? headers
      : { 'content-length': Buffer.byteLength(body), ...headers };
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        hostname,
        port,
        method,
        path: rawPath,
        headers: withLength,
        agent: false,
      },
      res => {
        const chunks = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A repository of `org` with one pushed commit on `main` holding `files`. */
export async function pushedRepo(forge, org, files, extra = {}) {
  const name = uniqueName('repo');
  const created = await api(forge, 'POST', `/orgs/${org}/repos`, {
    body: { name, ...extra },
    auth: forge.auth(),
  });
  if (created.status !== 201)
    throw new Error(`create ${org}/${name}: ${created.status} ${created.text}`);
  const work = path.join(forge.dir, `work-${name}`);
  commitFiles(work, files);
  const push = git(['push', '-q', `${forge.url}/${org}/${name}.git`, 'main'], {
    cwd: work,
    authorization: forge.auth(),
  });
  if (push.status !== 0) throw new Error(`push ${org}/${name}: ${push.stderr}`);
  return name;
}
