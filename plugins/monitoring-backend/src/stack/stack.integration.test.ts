/**
 * Integration: GET /stack reads each real local cluster's VictoriaMetrics resources with the
 * local app's own config (app-config.yaml's `kubernetes` and `monitoring` blocks, filled from the
 * stack's env: the portal's tokens and the stack's CA), and reports exactly what the admin reads
 * with kubectl: kinds, namespaces, names, updateStatus, reason, generation lag. A cluster whose
 * token is wrong is that cluster's error only. Needs the running stack (`npm run stack -- start`).
 * Other tests' scratch namespaces (`monitoring-test-*`, changing meanwhile) are left out of the
 * comparison.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { mockCredentials } from '@backstage/backend-test-utils';
import { PatchStrategy } from '@kubernetes/client-node';
import {
  StackResponse,
  VmResourceStatus,
} from '@hubspoke/backstage-plugin-monitoring-common';
import {
  BIN,
  LocalKubeCluster,
  kubeClient,
  localKubeClusters,
  stackEnv,
  stackPaths,
} from '@internal/monitoring-local-stack';
import request from 'supertest';
import { parse } from 'yaml';
import { startMonitoringBackend } from '../__testUtils__/startMonitoringBackend';

jest.setTimeout(180_000);

const exec = promisify(execFile);
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
const clusters = localKubeClusters(stackPaths());
const prod = clusters.find(c => c.name === 'prod-cluster')!;
const admin = kubeClient({
  name: prod.name,
  server: prod.url,
  caData: prod.caData,
  token: prod.adminToken,
});
const scratch = `monitoring-test-${randomBytes(3).toString('hex')}`;
const GROUP = 'operator.victoriametrics.com';
const apiVersion = `${GROUP}/v1beta1`;
/** The operator's kinds /stack reads. */
const PLURALS = [
  'vmclusters',
  'vmsingles',
  'vmagents',
  'vmauths',
  'vmalerts',
  'vmalertmanagers',
];
const HOLD = 'monitoring-test/hold';
/** Another test's scratch namespace: its resources come and go while this test compares. */
const othersScratch = (namespace: string) =>
  namespace.startsWith('monitoring-test-') && namespace !== scratch;

/**
 * Drops the HOLD finalizer of a VMAgent (retried; done when it is gone): a VMAgent still held
 * would keep its namespace Terminating for ever once the namespace is deleted.
 */
async function release(namespace: string, name: string) {
  for (let attempt = 1; ; attempt++) {
    try {
      const held = await admin.read({
        apiVersion,
        kind: 'VMAgent',
        name,
        namespace,
      });
      const finalizers: string[] = held?.metadata?.finalizers ?? [];
      if (!finalizers.includes(HOLD)) return;
      await admin.objects.patch(
        {
          apiVersion,
          kind: 'VMAgent',
          metadata: {
            name,
            namespace,
            finalizers: finalizers.filter(f => f !== HOLD),
          },
        } as any,
        undefined,
        undefined,
        undefined,
        undefined,
        PatchStrategy.MergePatch,
      );
      return;
    } catch (e) {
      if (attempt === 5)
        throw new Error(
          `prod-cluster: could not remove the finalizer ${HOLD} of VMAgent ${namespace}/${name} (kubectl patch vmagent ${name} -n ${namespace} --type=merge -p '{"metadata":{"finalizers":null}}'): ${e}`,
        );
      await sleep(1000);
    }
  }
}

/** Held VMAgents of earlier runs whose namespace is being deleted (a run cut short, then its namespace deleted by hand): released. */
async function releaseEarlierRuns() {
  const agents = await admin.objects.list(apiVersion, 'VMAgent');
  for (const o of agents.items) {
    const { name, namespace, finalizers } = o.metadata ?? {};
    if (!name || !othersScratch(namespace ?? '')) continue;
    if (!finalizers?.includes(HOLD)) continue;
    const ns = await admin.core.readNamespace({ name: namespace! });
    if (ns.metadata?.deletionTimestamp) await release(namespace!, name);
  }
}

/** app-config.yaml's blocks with `${VAR}` from the stack's env, as `npm start` runs the app. */
function appConfig(): { kubernetes: any; monitoring: any } {
  const env = stackEnv() as unknown as Record<string, string>;
  const file = path.resolve(__dirname, '../../../../app-config.yaml');
  const { kubernetes, monitoring } = parse(fs.readFileSync(file, 'utf8'));
  const text = JSON.stringify({ kubernetes, monitoring }).replace(
    /\$\{(\w+)\}/g,
    (_, name) => {
      if (!env[name]) throw new Error(`the stack's env has no ${name}`);
      return env[name];
    },
  );
  return JSON.parse(text);
}

/** What the admin reads with kubectl, in the fields /stack reports. */
async function kubectlResources(c: LocalKubeCluster) {
  const kubectl = (...args: string[]) =>
    exec(BIN.kubectl, [`--kubeconfig=${c.adminKubeconfig}`, ...args], {
      maxBuffer: 64 * 1024 * 1024,
    }).then(r => r.stdout);
  const served = await kubectl(
    'api-resources',
    `--api-group=${GROUP}`,
    '-o=name',
  );
  const plurals = PLURALS.filter(p => served.includes(`${p}.${GROUP}\n`));
  // The bundle has no VMSingle CRD: /stack must show none (and no error for it).
  expect(plurals).toEqual([
    'vmclusters',
    'vmagents',
    'vmauths',
    'vmalerts',
    'vmalertmanagers',
  ]);
  const list = JSON.parse(
    await kubectl('get', plurals.join(','), '-A', '-o=json'),
  );
  return list.items
    .filter((o: any) => !othersScratch(o.metadata.namespace))
    .map((o: any) => {
      const { generation } = o.metadata;
      const observed = o.status?.observedGeneration;
      return {
        kind: o.kind,
        namespace: o.metadata.namespace,
        name: o.metadata.name,
        updateStatus: o.status?.updateStatus || null,
        reason: o.status?.reason || undefined,
        createdAt: new Date(o.metadata.creationTimestamp).toISOString(),
        generationLag: observed === undefined ? null : generation - observed,
      };
    });
}

type Row = Awaited<ReturnType<typeof kubectlResources>>[number];
const key = (r: Row) => `${r.kind}/${r.namespace}/${r.name}`;
const sorted = (rows: Row[]) =>
  [...rows].sort((a, b) => key(a).localeCompare(key(b)));
const health = (r: Row) => {
  if (r.updateStatus === 'failed') return 'failed';
  if (r.updateStatus === 'expanding' || r.generationLag! > 0)
    return 'progressing';
  return r.updateStatus === 'operational' ? 'ok' : 'unknown';
};

async function startBackend(config: { kubernetes: any; monitoring: any }) {
  return startMonitoringBackend({
    monitoring: config.monitoring,
    config: { kubernetes: config.kubernetes },
    // A user allowed to read the stack, and nothing else.
    permissions: permission => permission === 'monitoring.stack.read',
  });
}

async function getStack(server: any): Promise<StackResponse> {
  const res = await request(server)
    .get('/api/monitoring/stack')
    .set('Authorization', mockCredentials.user.header());
  expect(res.status).toBe(200);
  return res.body;
}

/** /stack and kubectl's reads on both sides of it, retried (past the 15 s cache) until stable. */
async function compareStable(server: any, names: string[]) {
  for (let attempt = 0; ; attempt++) {
    const read = () =>
      Promise.all(
        clusters
          .filter(c => names.includes(c.name))
          .map(async c => [c.name, sorted(await kubectlResources(c))] as const),
      );
    const before = await read();
    const t0 = Date.now();
    const body = await getStack(server);
    const t1 = Date.now();
    const after = await read();
    if (JSON.stringify(before) === JSON.stringify(after) || attempt === 3)
      return { body, admin: new Map(after), t0, t1 };
    await sleep(16_000); // something changed meanwhile: read again, uncached
  }
}

function expectEqualToAdmin(
  c: string,
  resources: VmResourceStatus[],
  expected: Row[],
  readAt: number,
) {
  const shown = resources.filter(r => !othersScratch(r.namespace));
  const got = shown.map(r => ({
    kind: r.kind,
    namespace: r.namespace,
    name: r.name,
    updateStatus: r.updateStatus,
    reason: r.reason,
    createdAt: r.createdAt,
    generationLag: r.generationLag,
  }));
  expect([c, sorted(got)]).toEqual([c, expected]);
  for (const r of shown) {
    const row = expected.find(e => key(e) === key(r as Row))!;
    const age = (readAt - Date.parse(row.createdAt)) / 1000;
    expect([c, key(row), r.health]).toEqual([c, key(row), health(row)]);
    expect(Math.abs(r.ageSeconds! - age)).toBeLessThanOrEqual(2);
  }
}

beforeAll(async () => {
  if (!clusters.every(c => c.portalToken))
    throw new Error('no portal tokens yet: npm run stack -- start first');
  await releaseEarlierRuns().catch(() => undefined); // best effort: the stack may be down
  await admin
    .apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: scratch } })
    .catch(e => {
      throw new Error(
        `prod-cluster: ${e}; is the stack up? npm run stack -- start`,
      );
    });
  const agent = (name: string, finalizers?: string[]) => ({
    apiVersion,
    kind: 'VMAgent',
    metadata: { name, namespace: scratch, finalizers },
    spec: { remoteWrite: [{ url: 'http://127.0.0.1:1/api/v1/write' }] },
  });
  await admin.apply(agent('agent'));
  await admin.apply(agent('held', [HOLD]));
  await admin.apply({
    apiVersion,
    kind: 'VMCluster',
    metadata: { name: 'broken', namespace: scratch },
    spec: {
      retentionPeriod: '1',
      vmstorage: {
        storage: {
          volumeClaimTemplate: { spec: { storageClassName: 'nope' } },
        },
      },
    },
  });
  const status = async (kind: string, name: string) =>
    (await admin.read({ apiVersion, kind, name, namespace: scratch }))!;
  const settled = async () => {
    const states = await Promise.all([
      status('VMAgent', 'agent'),
      status('VMAgent', 'held'),
      status('VMCluster', 'broken'),
    ]);
    return states.map(o => o.status?.updateStatus).join();
  };
  let states = await settled();
  for (let i = 0; i < 60 && states !== 'operational,operational,failed'; i++) {
    await sleep(500);
    states = await settled();
  }
  if (states !== 'operational,operational,failed')
    throw new Error(`the fixtures did not settle: ${states}`);
  // A resource whose newest spec the (simulated) operator never sees: deleted, held by its
  // finalizer, then changed. Its generation moves on, its observedGeneration stays.
  await admin.objects.delete(agent('held') as any);
  await admin.objects.patch(
    { ...agent('held'), spec: { scrapeInterval: '20s' } } as any,
    undefined,
    undefined,
    undefined,
    undefined,
    PatchStrategy.MergePatch,
  );
});

// Runs however the rest ended (a failed or timed-out beforeAll or test included). The finalizer
// goes first, and the namespace is deleted only once it has: never a namespace stuck Terminating.
afterAll(async () => {
  await release(scratch, 'held');
  await admin.core.deleteNamespace({ name: scratch }).catch(() => undefined);
});

it("GET /stack shows every cluster's VictoriaMetrics resources as the admin reads them", async () => {
  const backend = await startBackend(appConfig());
  try {
    const {
      body,
      admin: expected,
      t0,
      t1,
    } = await compareStable(
      backend.server,
      clusters.map(c => c.name),
    );
    for (const c of clusters) {
      const cluster = body.clusters.find(x => x.cluster === c.name);
      const k8s = cluster?.kubernetes;
      expect([c.name, k8s?.error, k8s?.truncated]).toEqual([
        c.name,
        undefined,
        undefined,
      ]);
      const readAt = Date.parse(k8s!.readAt);
      expect(readAt >= t0 - 1000 && readAt <= t1).toBe(true); // read now, not cached
      expectEqualToAdmin(c.name, k8s!.resources, expected.get(c.name)!, readAt);
    }
    // The fixtures are there as made: operational, failed with the reason, a generation behind.
    const mine = body.clusters
      .find(x => x.cluster === prod.name)!
      .kubernetes!.resources.filter(r => r.namespace === scratch)
      .map(
        r =>
          `${r.kind} ${r.name} ${r.updateStatus} ${r.health} ${r.generationLag} ${r.reason ?? ''}`,
      );
    expect(mine).toEqual([
      'VMCluster broken failed failed 0 cannot create vmstorage: storageclass.storage.k8s.io "nope" not found',
      'VMAgent agent operational ok 0 ',
      'VMAgent held operational progressing 2 ',
    ]);
  } finally {
    await backend.stop();
  }
});

it("a cluster entry with a wrong token is that cluster's error; the others are read", async () => {
  const config = appConfig();
  const entries: any[] = config.kubernetes.clusterLocatorMethods[0].clusters;
  const staging = entries.find(e => e.name === 'staging-cluster');
  // prod-cluster's portal token: real, but not staging-cluster's.
  staging.serviceAccountToken = prod.portalToken;
  const backend = await startBackend(config);
  try {
    const others = clusters.map(c => c.name).filter(n => n !== staging.name);
    const { body, admin: expected } = await compareStable(
      backend.server,
      others,
    );
    const byName = new Map(body.clusters.map(c => [c.cluster, c.kubernetes]));
    expect(byName.get(staging.name)).toMatchObject({
      resources: [],
      error: 'the cluster refused the token (401)',
    });
    for (const name of others) {
      const k8s = byName.get(name)!;
      expect([name, k8s.error]).toEqual([name, undefined]);
      expectEqualToAdmin(
        name,
        k8s.resources,
        expected.get(name)!,
        Date.parse(k8s.readAt),
      );
    }
  } finally {
    await backend.stop();
  }
});
