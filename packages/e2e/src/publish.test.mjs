// Over 400 lines: the publish, register and pull-request paths share the running app and forge.
// The templates for real (not dry-run) through the scaffolder API of the running app: render,
// publish to a new repository on the stack's local forge with the built-in publish:gitea, and
// register the cluster with the built-in catalog:register. Then check the repository (git
// clone), the catalog entity and its relation to the hub, and that no secret value was
// published. Run by packages/e2e/src/run.mjs, which passes the stack's environment.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import {
  backend,
  guestHeaders,
  runTask,
  sleep,
  waitForTemplate,
} from './support/app.mjs';

const forge = {
  url: process.env.MONITORING_FORGE_URL ?? 'http://127.0.0.1:3300',
  user: process.env.MONITORING_FORGE_USERNAME ?? 'backstage',
  password: process.env.MONITORING_FORGE_PASSWORD,
  org: 'team-platform', // created by the stack's forge at start
};
const forgeHost = new URL(forge.url).host;
const HUB = 'resource:default/hub-cluster';
let headers;
let forgeAuth;
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-publish-'));

before(async () => {
  assert.ok(
    forge.password,
    'MONITORING_FORGE_PASSWORD is not set: run through packages/e2e/src/run.mjs',
  );
  forgeAuth = `Basic ${Buffer.from(`${forge.user}:${forge.password}`).toString('base64')}`;
  headers = await guestHeaders();
});
after(() => fs.rmSync(workDir, { recursive: true, force: true }));

/** A name no earlier run used: the cluster, entity and repository names derive from it. */
const unique = prefix =>
  `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;

/** Runs a template as a real task, which must complete; resolves with its steps and output. */
async function runCompletedTask(template, values, t) {
  await waitForTemplate(template, headers, e =>
    e.spec.parameters.some(p => p.properties?.publish),
  );
  const task = await runTask(headers, template, values);
  t.diagnostic(
    `${template} task ${task.id}: ${task.status} in ${task.seconds} s`,
  );
  assert.equal(
    task.status,
    'completed',
    `task ${task.id} ${task.status}:\n${task.failures.join('\n')}`,
  );
  return task;
}

async function forgeApi(method, apiPath) {
  return fetch(`${forge.url}/api/v1${apiPath}`, {
    method,
    headers: { authorization: forgeAuth },
  });
}

/** Clones with the credentials passed through GIT_CONFIG_* (not in the URL or argv). */
function cloneFiles(repo) {
  const dir = path.join(workDir, repo);
  const res = spawnSync(
    'git',
    ['clone', '-q', `${forge.url}/${forge.org}/${repo}.git`, dir],
    {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        HOME: workDir,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_TERMINAL_PROMPT: '0',
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: 'http.extraHeader',
        GIT_CONFIG_VALUE_0: `Authorization: ${forgeAuth}`,
      },
    },
  );
  assert.equal(res.status, 0, `git clone failed: ${res.stderr}`);
  const files = {};
  const walk = rel => {
    for (const entry of fs.readdirSync(path.join(dir, rel), {
      withFileTypes: true,
    })) {
      const p = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.name === '.git') continue;
      if (entry.isDirectory()) walk(p);
      else files[p] = fs.readFileSync(path.join(dir, p), 'utf8');
    }
  };
  walk('');
  return files;
}

const docs = text =>
  parseAllDocuments(text)
    .map(d => d.toJS())
    .filter(Boolean);

/**
 * Every place a credential could be: no known credential of the local stack in any file; no
 * Secret with data; no env var named like a credential with a literal value; and every
 * `...password...: <value>` line holds a reference (an object, `${VAR}`, `$__file{...}`), never
 * a literal. Returns the problems and how many references it saw (so it cannot pass vacuously).
 */
function secretScan(files) {
  const known = [
    forge.password,
    process.env.MONITORING_VMSELECT_PASSWORD,
  ].filter(Boolean);
  const problems = [];
  let references = 0;
  for (const [file, text] of Object.entries(files)) {
    if (known.some(k => text.includes(k)))
      problems.push(`${file}: holds a credential of the local stack`);
    for (const m of text.matchAll(
      /^\s*"?[A-Za-z_]*password[A-Za-z_]*"?\s*[:=][ \t]*(.*?)\s*,?$/gim,
    )) {
      const value = m[1].replace(/^["']|["']$/g, '');
      if (
        value === '' ||
        value === '{' ||
        /^\{.*\}$/.test(value) ||
        /^\$(\{|__file\{|__env\{)/.test(value)
      )
        references++;
      else
        problems.push(
          `${file}: literal value in "${m[0].trim().slice(0, 60)}"`,
        );
    }
    if (!file.endsWith('.yaml')) continue;
    for (const obj of docs(text)) {
      if (obj.kind === 'Secret' && (obj.data || obj.stringData))
        problems.push(`${file}: Secret with data`);
      JSON.stringify(obj, (key, value) => {
        if (
          value &&
          typeof value === 'object' &&
          typeof value.name === 'string' &&
          /PASSWORD|TOKEN|SECRET/i.test(value.name) &&
          'value' in value
        ) {
          problems.push(`${file}: env ${value.name} has a literal value`);
        }
        return value;
      });
    }
  }
  return { problems, references };
}

async function waitForEntity(name) {
  for (let i = 0; i < 120; i++) {
    const res = await fetch(
      `${backend}/api/catalog/entities/by-name/resource/default/${name}`,
      { headers },
    );
    if (res.ok) return res.json();
    await sleep(1000);
  }
  throw new Error(`resource:default/${name} did not appear in the catalog`);
}

/** Unregisters the location and deletes the repository, so runs do not pile up. */
async function cleanUp(name, repo) {
  const loc = await fetch(
    `${backend}/api/catalog/locations/by-entity/resource/default/${name}`,
    { headers },
  );
  if (loc.ok)
    await fetch(`${backend}/api/catalog/locations/${(await loc.json()).id}`, {
      method: 'DELETE',
      headers,
    });
  await forgeApi('DELETE', `/repos/${forge.org}/${repo}`);
}

test(
  'the spoke template publishes to the forge and registers the cluster, related to the hub',
  { timeout: 300_000 },
  async t => {
    const cluster = unique('e2e-spoke');
    const repo = `${cluster}-manifests`;
    const { stepStatus, output } = await runCompletedTask(
      'monitoring-spoke',
      {
        clusterName: cluster,
        environment: 'qa',
        hubUrl: 'https://vmauth.hub.example.com',
        hubName: 'hub',
        hubCluster: HUB,
        storageClass: 'gp3',
        queueSize: '10Gi',
        scrapeInterval: '30s',
        secretStrategy: 'kubernetes',
        publish: true,
        repoUrl: `${forgeHost}?owner=${forge.org}&repo=${repo}`,
      },
      t,
    );
    assert.deepEqual(
      [
        stepStatus['publish-gitea'],
        stepStatus['publish-github'],
        stepStatus.register,
      ],
      ['completed', 'skipped', 'completed'],
    );
    const repoUrl = `${forge.url}/${forge.org}/${repo}/src/branch/main/`;
    assert.deepEqual(output.links, [
      { title: 'Repository', url: repoUrl },
      {
        title: 'The cluster in the catalog',
        icon: 'catalog',
        entityRef: `resource:default/${cluster}`,
      },
    ]);

    // The repository exists on the forge and holds the rendered spoke.
    const meta = await forgeApi('GET', `/repos/${forge.org}/${repo}`);
    assert.equal(meta.status, 200);
    const { empty, default_branch } = await meta.json();
    assert.deepEqual([empty, default_branch], [false, 'main']);
    const files = cloneFiles(repo);
    const kinds = Object.entries(files)
      .filter(
        ([p]) => p.startsWith(`spokes/${cluster}/`) && p.endsWith('.yaml'),
      )
      .flatMap(([p, text]) =>
        docs(text).map(
          o => `${p.includes('/hub-side/') ? 'hub-side ' : ''}${o.kind}`,
        ),
      );
    assert.ok(
      kinds.includes('VMAgent'),
      `no VMAgent in ${Object.keys(files).join(', ')}`,
    );
    assert.ok(kinds.includes('hub-side VMUser'), 'no hub-side VMUser');
    const info = docs(files['catalog-info.yaml'])[0];
    assert.deepEqual(
      [info.kind, info.metadata.name, info.spec.type, info.spec.dependsOn],
      ['Resource', cluster, 'kubernetes-cluster', [HUB]],
    );
    const scan = secretScan(files);
    assert.deepEqual(scan.problems, []);
    assert.ok(scan.references > 0, 'the scan saw no password reference at all');

    // The catalog read it back from the forge: the cluster, dependsOn the hub.
    const entity = await waitForEntity(cluster);
    t.diagnostic(
      `catalog: ${entity.kind}:${entity.metadata.namespace}/${entity.metadata.name} type ${entity.spec.type}`,
    );
    assert.equal(entity.kind, 'Resource');
    assert.equal(entity.spec.type, 'kubernetes-cluster');
    assert.ok(
      entity.relations.some(r => r.type === 'dependsOn' && r.targetRef === HUB),
      JSON.stringify(entity.relations),
    );
    assert.equal(
      entity.metadata.annotations['backstage.io/managed-by-location'],
      `url:${repoUrl}catalog-info.yaml`,
    );
    await cleanUp(cluster, repo);
  },
);

test(
  'without a repository the spoke template renders and skips publish and register',
  { timeout: 300_000 },
  async t => {
    const cluster = unique('e2e-nopub');
    const { stepStatus, output } = await runCompletedTask(
      'monitoring-spoke',
      {
        clusterName: cluster,
        environment: 'qa',
        hubUrl: 'https://vmauth.hub.example.com',
        hubName: 'hub',
        hubCluster: HUB,
        storageClass: 'gp3',
        queueSize: '10Gi',
        scrapeInterval: '30s',
        secretStrategy: 'kubernetes',
        publish: false,
      },
      t,
    );
    assert.deepEqual(
      [
        stepStatus.render,
        stepStatus.catalog,
        stepStatus['publish-gitea'],
        stepStatus['publish-github'],
        stepStatus.register,
      ],
      ['completed', 'completed', 'skipped', 'skipped', 'skipped'],
    );
    assert.deepEqual(output.links ?? [], [], 'no links without a repository');
    const res = await fetch(
      `${backend}/api/catalog/entities/by-name/resource/default/${cluster}`,
      { headers },
    );
    assert.equal(res.status, 404);
  },
);

test(
  'the publish step is chosen by host: github.com runs publish:github (dry-run, no network)',
  { timeout: 120_000 },
  async () => {
    await waitForTemplate('monitoring-spoke', headers, t =>
      t.spec.parameters.some(p => p.properties?.publish),
    );
    const template = await (
      await fetch(
        `${backend}/api/catalog/entities/by-name/template/default/monitoring-spoke`,
        { headers },
      )
    ).json();
    const values = {
      clusterName: 'qa-cluster',
      environment: 'qa',
      hubUrl: 'https://vmauth.hub.example.com',
      hubName: 'hub',
      hubCluster: HUB,
      storageClass: 'gp3',
      queueSize: '10Gi',
      scrapeInterval: '30s',
      secretStrategy: 'kubernetes',
      publish: true,
    };
    const ran = async repoUrl => {
      const res = await fetch(`${backend}/api/scaffolder/v2/dry-run`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          template,
          values: { ...values, repoUrl },
          secrets: {},
          directoryContents: [],
        }),
      });
      assert.equal(res.status, 200);
      const messages = (await res.json()).log.map(l => l.body.message ?? '');
      // Lines look like "<colour>info<colour>: Running publish:github in dry-run mode with inputs ...".
      const running = messages
        .map(m => /Running (\S+) in dry-run mode/.exec(m)?.[1])
        .filter(Boolean);
      const register = messages.find(m =>
        m.includes('Running catalog:register'),
      );
      return {
        running,
        catalogInfoPath: /"catalogInfoPath": "([^"]+)"/.exec(
          register ?? '',
        )?.[1],
      };
    };
    const github = await ran(
      'github.com?owner=example-org&repo=qa-cluster-manifests',
    );
    assert.ok(
      github.running.includes('publish:github') &&
        !github.running.includes('publish:gitea'),
      github.running.join(', '),
    );
    assert.equal(github.catalogInfoPath, '/catalog-info.yaml');
    const gitea = await ran(
      `${forgeHost}?owner=${forge.org}&repo=qa-cluster-manifests`,
    );
    assert.ok(
      gitea.running.includes('publish:gitea') &&
        !gitea.running.includes('publish:github'),
      gitea.running.join(', '),
    );
    assert.equal(gitea.catalogInfoPath, 'catalog-info.yaml');
  },
);

test(
  'the hub template publishes to the forge and registers the hub cluster',
  { timeout: 300_000 },
  async t => {
    const cluster = unique('e2e-hub');
    const repo = `${cluster}-manifests`;
    const { stepStatus, output } = await runCompletedTask(
      'monitoring-hub',
      {
        name: 'hub',
        clusterName: cluster,
        namespace: 'monitoring',
        grafanaDomain: 'grafana.example.com',
        storageClass: 'gp3',
        sharedStorageClass: 'efs',
        retention: '15d',
        storageSize: '100Gi',
        secretStrategy: 'kubernetes',
        publish: true,
        repoUrl: `${forgeHost}?owner=${forge.org}&repo=${repo}`,
      },
      t,
    );
    assert.equal(stepStatus.register, 'completed');
    assert.equal(output.links?.[1]?.entityRef, `resource:default/${cluster}`);
    const files = cloneFiles(repo);
    const kinds = Object.entries(files)
      .filter(([p]) => p.startsWith('hub/') && p.endsWith('.yaml'))
      .flatMap(([, text]) => docs(text).map(o => o.kind));
    for (const kind of ['VMCluster', 'VMAuth', 'VMAlert', 'VMUser'])
      assert.ok(kinds.includes(kind), `no ${kind}`);
    const scan = secretScan(files);
    assert.deepEqual(scan.problems, []);
    assert.ok(scan.references > 0, 'the scan saw no password reference at all');
    const entity = await waitForEntity(cluster);
    t.diagnostic(
      `catalog: ${entity.kind}:${entity.metadata.namespace}/${entity.metadata.name} type ${entity.spec.type}`,
    );
    assert.deepEqual(
      [
        entity.kind,
        entity.spec.type,
        entity.metadata.labels['monitoring/role'],
      ],
      ['Resource', 'kubernetes-cluster', 'hub'],
    );
    await cleanUp(cluster, repo);
  },
);
