// The software templates, as a platform engineer meets them: listed in the catalog (so /create
// shows them) and dry-run through the scaffolder API of the running app, which renders and
// validates real manifests. Run by packages/e2e/src/run.mjs.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { backend, guestHeaders, waitForTemplate } from './support/app.mjs';

let headers;

before(async () => {
  headers = await guestHeaders();
});

const template = name => waitForTemplate(name, headers);

async function dryRun(name, values) {
  const res = await fetch(`${backend}/api/scaffolder/v2/dry-run`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      template: await template(name),
      values,
      secrets: {},
      directoryContents: [],
    }),
  });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body).slice(0, 500));
  const files = Object.fromEntries(
    body.directoryContents.map(f => [
      f.path,
      Buffer.from(f.base64Content, 'base64').toString('utf8'),
    ]),
  );
  return { body, files };
}

const kinds = files =>
  Object.entries(files)
    .filter(([path]) => path.endsWith('.yaml') && path !== 'catalog-info.yaml')
    .flatMap(([, text]) => parseAllDocuments(text).map(d => d.toJS()))
    .filter(Boolean);

test(
  "the hub template dry-runs into the architecture's hub",
  { timeout: 120_000 },
  async () => {
    const { body, files } = await dryRun('monitoring-hub', {
      name: 'hub',
      clusterName: 'hub-cluster',
      namespace: 'monitoring',
      grafanaDomain: 'grafana.example.com',
      storageClass: 'gp3',
      sharedStorageClass: 'efs',
      retention: '15d',
      storageSize: '100Gi',
      secretStrategy: 'kubernetes',
    });
    const objects = kinds(files);
    const cluster = objects.find(o => o.kind === 'VMCluster');
    assert.equal(cluster.spec.retentionPeriod, '15d');
    assert.equal(cluster.spec.replicationFactor, 2);
    assert.deepEqual(
      ['vminsert', 'vmselect', 'vmstorage'].map(
        c => cluster.spec[c].replicaCount,
      ),
      [2, 2, 2],
    );
    for (const kind of [
      'VMAuth',
      'VMUser',
      'VMAlert',
      'VMRule',
      'VMAlertmanager',
      'Deployment',
    ]) {
      assert.ok(
        objects.some(o => o.kind === kind),
        `no ${kind}`,
      );
    }
    // No secret value in the workspace.
    assert.ok(
      !objects.some(o => o.kind === 'Secret' && (o.data || o.stringData)),
    );
    const catalogInfo = parseAllDocuments(files['catalog-info.yaml'])[0].toJS();
    assert.deepEqual(
      [catalogInfo.kind, catalogInfo.spec.type],
      ['Resource', 'kubernetes-cluster'],
    );
    assert.ok(
      body.log.some(l => /render/i.test(l.body.message ?? '')),
      'the task log shows progress',
    );
  },
);

test(
  'the spoke template dry-runs into a spoke and its hub-side user',
  { timeout: 120_000 },
  async () => {
    const { files } = await dryRun('monitoring-spoke', {
      clusterName: 'qa-cluster',
      environment: 'qa',
      hubUrl: 'https://vmauth.hub.example.com',
      hubName: 'hub',
      hubCluster: 'resource:default/hub-cluster',
      storageClass: 'gp3',
      queueSize: '10Gi',
      scrapeInterval: '30s',
      secretStrategy: 'kubernetes',
    });
    const objects = kinds(files);
    const agent = objects.find(o => o.kind === 'VMAgent');
    assert.equal(agent.spec.statefulMode, true);
    assert.equal(agent.spec.scrapeInterval, '30s');
    const hubSide = Object.keys(files).filter(p => p.includes('hub-side/'));
    assert.ok(hubSide.length > 0, 'no hub-side files');
    assert.ok(
      objects.some(o => o.kind === 'VMUser'),
      'no VMUser for the spoke',
    );
    const catalogInfo = parseAllDocuments(files['catalog-info.yaml'])[0].toJS();
    assert.deepEqual(catalogInfo.spec.dependsOn, [
      'resource:default/hub-cluster',
    ]);
  },
);

test(
  'a bad form value is refused with the field named',
  { timeout: 120_000 },
  async () => {
    const res = await fetch(`${backend}/api/scaffolder/v2/dry-run`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        template: await template('monitoring-spoke'),
        values: {
          clusterName: 'Not_A_DNS_Label',
          environment: 'qa',
          hubUrl: 'http://insecure.example.com',
          storageClass: 'gp3',
        },
        secrets: {},
        directoryContents: [],
      }),
    });
    const text = await res.text();
    assert.notEqual(res.status, 200, text.slice(0, 300));
    assert.match(text, /clusterName|hubUrl/);
  },
);
