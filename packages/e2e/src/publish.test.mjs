// Over 400 lines: the publish, register and pull-request paths share the running app and Gitea.
// The templates for real (not dry-run) through the scaffolder API of the running app: render,
// publish to a new repository on the stack's Gitea with the built-in publish:gitea, and
// register the cluster with the built-in catalog:register; a second run into the same repository
// is refused; monitor-a-service opens a pull request on the Gitea repository a component was
// registered from. Everything is read back through Gitea's API (contents base64, pulls), with
// the catalog entity and its relation to the hub, and no secret value published. Run by
// packages/e2e/src/run.mjs, which passes the stack's environment.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import {
  backend,
  guestHeaders,
  runTask,
  sleep,
  waitForTemplate,
} from './support/app.mjs';

const gitea = {
  url: process.env.MONITORING_FORGE_URL ?? 'http://127.0.0.1:3300',
  user: process.env.MONITORING_FORGE_USERNAME ?? 'backstage',
  password: process.env.MONITORING_FORGE_PASSWORD,
  org: 'team-platform', // created by the stack when Gitea first answers
};
const giteaHost = new URL(gitea.url).host;
const HUB = 'resource:default/hub-cluster';
let headers;
let giteaAuth;

before(async () => {
  assert.ok(
    gitea.password,
    'MONITORING_FORGE_PASSWORD is not set: run through packages/e2e/src/run.mjs',
  );
  giteaAuth = `Basic ${Buffer.from(`${gitea.user}:${gitea.password}`).toString('base64')}`;
  headers = await guestHeaders();
});

/** A name no earlier run used: the cluster, entity and repository names derive from it. */
const unique = prefix =>
  `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;

/**
 * Runs a template as a real task, which must complete; resolves with its steps and output.
 * `ready`: the template as the catalog serves it is this version (default: it can publish).
 */
async function runCompletedTask(
  template,
  values,
  t,
  ready = e => e.spec.parameters.some(p => p.properties?.publish),
) {
  await waitForTemplate(template, headers, ready);
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

/** Gitea's API as the stack's admin user: status and JSON. */
async function giteaApi(method, apiPath, body) {
  const res = await fetch(`${gitea.url}/api/v1${apiPath}`, {
    method,
    headers: {
      authorization: giteaAuth,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, json };
}

/** A file's text at `ref`, from Gitea's contents API (base64). */
async function fileAt(repo, file, ref = 'main') {
  const res = await giteaApi(
    'GET',
    `/repos/${gitea.org}/${repo}/contents/${file}?ref=${encodeURIComponent(ref)}`,
  );
  assert.equal(res.status, 200, `${repo}/${file}@${ref}: ${res.status}`);
  assert.equal(res.json.encoding, 'base64');
  return Buffer.from(res.json.content, 'base64').toString('utf8');
}

/** Every file of the repository's `ref`, by path: its tree, then each file's contents. */
async function repoFiles(repo, ref = 'main') {
  const tree = await giteaApi(
    'GET',
    `/repos/${gitea.org}/${repo}/git/trees/${ref}?recursive=true&per_page=1000`,
  );
  assert.equal(tree.status, 200, `tree of ${repo}: ${tree.status}`);
  assert.equal(tree.json.truncated, false);
  const files = {};
  for (const entry of tree.json.tree.filter(e => e.type === 'blob'))
    files[entry.path] = await fileAt(repo, entry.path, ref);
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
    gitea.password,
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

async function waitForEntity(name, kind = 'resource') {
  for (let i = 0; i < 120; i++) {
    const res = await fetch(
      `${backend}/api/catalog/entities/by-name/${kind}/default/${name}`,
      { headers },
    );
    if (res.ok) return res.json();
    await sleep(1000);
  }
  throw new Error(`${kind}:default/${name} did not appear in the catalog`);
}

/** Unregisters the location and deletes the repository, so runs do not pile up. */
async function cleanUp(name, repo, kind = 'resource') {
  const loc = await fetch(
    `${backend}/api/catalog/locations/by-entity/${kind}/default/${name}`,
    { headers },
  );
  if (loc.ok)
    await fetch(`${backend}/api/catalog/locations/${(await loc.json()).id}`, {
      method: 'DELETE',
      headers,
    });
  await giteaApi('DELETE', `/repos/${gitea.org}/${repo}`);
}

test(
  'the spoke template publishes to Gitea and registers the cluster, related to the hub',
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
        repoUrl: `${giteaHost}?owner=${gitea.org}&repo=${repo}`,
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
    const repoUrl = `${gitea.url}/${gitea.org}/${repo}/src/branch/main/`;
    assert.deepEqual(output.links, [
      { title: 'Repository', url: repoUrl },
      {
        title: 'The cluster in the catalog',
        icon: 'catalog',
        entityRef: `resource:default/${cluster}`,
      },
    ]);

    // The repository exists on Gitea and holds the rendered spoke.
    const meta = await giteaApi('GET', `/repos/${gitea.org}/${repo}`);
    assert.equal(meta.status, 200);
    const { empty, default_branch } = meta.json;
    assert.deepEqual([empty, default_branch], [false, 'main']);
    const files = await repoFiles(repo);
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

    // The catalog read it back from Gitea: the cluster, dependsOn the hub.
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
    const onGitea = await ran(
      `${giteaHost}?owner=${gitea.org}&repo=qa-cluster-manifests`,
    );
    assert.ok(
      onGitea.running.includes('publish:gitea') &&
        !onGitea.running.includes('publish:github'),
      onGitea.running.join(', '),
    );
    assert.equal(onGitea.catalogInfoPath, 'catalog-info.yaml');
  },
);

test(
  'the hub template publishes to Gitea and registers the hub cluster; a second run into the same repository is refused',
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
        repoUrl: `${giteaHost}?owner=${gitea.org}&repo=${repo}`,
      },
      t,
    );
    assert.equal(stepStatus.register, 'completed');
    assert.equal(output.links?.[1]?.entityRef, `resource:default/${cluster}`);
    const files = await repoFiles(repo);
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

    // A second run into the same repository: publish:gitea finds it (Gitea answers 409) and
    // the task fails before anything is pushed or registered.
    const main = async () =>
      (await giteaApi('GET', `/repos/${gitea.org}/${repo}/branches/main`)).json
        .commit.id;
    const head = await main();
    const second = unique('e2e-hub');
    const again = await runTask(headers, 'monitoring-hub', {
      name: 'hub',
      clusterName: second,
      namespace: 'monitoring',
      grafanaDomain: 'grafana.example.com',
      storageClass: 'gp3',
      sharedStorageClass: 'efs',
      retention: '15d',
      storageSize: '100Gi',
      secretStrategy: 'kubernetes',
      publish: true,
      repoUrl: `${giteaHost}?owner=${gitea.org}&repo=${repo}`,
    });
    t.diagnostic(`second run: ${again.status}: ${again.failures.join('; ')}`);
    assert.equal(again.status, 'failed');
    assert.equal(again.stepStatus['publish-gitea'], 'failed');
    assert.notEqual(again.stepStatus.register, 'completed');
    assert.match(again.failures.join('\n'), /Unable to create repository, 409/);
    assert.ok(!again.log.includes(gitea.password), 'the password is logged');
    assert.equal(await main(), head, 'the repository was pushed to');
    const res = await fetch(
      `${backend}/api/catalog/entities/by-name/resource/default/${second}`,
      { headers },
    );
    assert.equal(res.status, 404);
    await cleanUp(cluster, repo);
  },
);

test(
  'monitor-a-service opens a pull request on the Gitea repository the component was registered from',
  { timeout: 300_000 },
  async t => {
    const name = unique('e2e-svc');
    const repo = name;
    t.after(() => cleanUp(name, repo, 'component'));
    // The component's own repository on Gitea, registered in the catalog from there.
    const descriptor = [
      "# Registered from the stack's Gitea by the browser/API tests.",
      'apiVersion: backstage.io/v1alpha1',
      'kind: Component',
      'metadata:',
      `  name: ${name}`,
      'spec:',
      '  type: service',
      '  lifecycle: experimental',
      '  owner: team-shop',
      '',
    ].join('\n');
    const created = await giteaApi('POST', `/orgs/${gitea.org}/repos`, {
      name: repo,
      auto_init: true,
      default_branch: 'main',
    });
    assert.equal(created.status, 201);
    const file = await giteaApi(
      'POST',
      `/repos/${gitea.org}/${repo}/contents/catalog-info.yaml`,
      {
        content: Buffer.from(descriptor).toString('base64'),
        message: `Register ${name}`,
        branch: 'main',
      },
    );
    assert.equal(file.status, 201);
    const target = `${gitea.url}/${gitea.org}/${repo}/src/branch/main/catalog-info.yaml`;
    const registered = await fetch(`${backend}/api/catalog/locations`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ type: 'url', target }),
    });
    assert.equal(registered.status, 201, await registered.text());
    const entity = await waitForEntity(name, 'component');
    assert.equal(
      entity.metadata.annotations['backstage.io/managed-by-location'],
      `url:${target}`,
    );

    const values = {
      component: `component:default/${name}`,
      errorRatioThreshold: 0.05,
      errorRatioFor: '5m',
      latencyP95ThresholdSeconds: 0.5,
      latencyFor: '10m',
      severity: 'warning',
      environments: ['production'],
      hubNamespace: 'monitoring',
      hubName: 'hub',
      pullRequest: true,
    };
    const template = await waitForTemplate('monitor-a-service', headers, e =>
      e.spec.steps.some(s => s.id === 'pull-request-gitea'),
    );

    // A dry run reads no descriptor and opens nothing: neither pull request step runs.
    const dry = await fetch(`${backend}/api/scaffolder/v2/dry-run`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        template,
        values,
        secrets: {},
        directoryContents: [],
      }),
    });
    const dryBody = await dry.json();
    assert.equal(dry.status, 200, JSON.stringify(dryBody).slice(0, 500));
    const dryLog = dryBody.log.map(l => l.body.message ?? '').join('\n');
    assert.doesNotMatch(
      dryLog,
      /Running (publish:github:pull-request|monitoring:gitea:pull-request)/,
    );
    assert.equal(
      (await giteaApi('GET', `/repos/${gitea.org}/${repo}/branches`)).json
        .length,
      1,
    );

    const task = await runCompletedTask('monitor-a-service', values, t, e =>
      e.spec.steps.some(s => s.id === 'pull-request-gitea'),
    );
    assert.deepEqual(
      [
        task.stepStatus.render,
        task.stepStatus.catalog,
        task.stepStatus['pull-request'],
        task.stepStatus['pull-request-gitea'],
      ],
      ['completed', 'skipped', 'skipped', 'completed'],
    );
    assert.ok(!task.log.includes(gitea.password), 'the password is logged');

    // The pull request, read back through Gitea's API.
    const open = await giteaApi(
      'GET',
      `/repos/${gitea.org}/${repo}/pulls?state=open`,
    );
    assert.equal(open.status, 200);
    assert.equal(open.json.length, 1);
    const [pr] = open.json;
    t.diagnostic(`pull request ${pr.html_url}`);
    assert.deepEqual(
      [pr.head.ref, pr.base.ref, pr.title],
      [
        `monitoring/${name}-alerts`,
        'main',
        `Monitoring for ${name}: annotations and alerts`,
      ],
    );
    assert.deepEqual(task.output.links?.[0], {
      title: 'Pull request',
      url: pr.html_url,
    });
    const files = await giteaApi(
      'GET',
      `/repos/${gitea.org}/${repo}/pulls/${pr.number}/files`,
    );
    const changed = files.json.map(f => `${f.status} ${f.filename}`).sort();
    const ruleFile = changed
      .map(c => c.split(' ')[1])
      .find(f =>
        /^monitoring\/001-vmrule-.+-alerts-[0-9a-f]{6}\.yaml$/.test(f),
      );
    assert.deepEqual(changed, [
      'added monitoring/.monitoring/render.json',
      `added ${ruleFile}`,
      'added monitoring/kustomization.yaml',
      'changed catalog-info.yaml',
    ]);
    const rule = parse(await fileAt(repo, ruleFile, pr.head.ref));
    assert.equal(rule.kind, 'VMRule');
    assert.deepEqual(
      rule.spec.groups[0].rules.map(r => r.alert),
      ['ServiceErrorRatioAboveThreshold', 'ServiceLatencyP95AboveThreshold'],
    );
    assert.ok(
      rule.spec.groups[0].rules[0].expr.includes(`service="${name}"`),
      rule.spec.groups[0].rules[0].expr,
    );
    const annotated = parse(
      await fileAt(repo, 'catalog-info.yaml', pr.head.ref),
    );
    assert.equal(
      annotated.metadata.annotations['backstage.io/kubernetes-id'],
      name,
    );
    // main keeps the descriptor until the pull request is merged.
    assert.equal(await fileAt(repo, 'catalog-info.yaml'), descriptor);
  },
);
