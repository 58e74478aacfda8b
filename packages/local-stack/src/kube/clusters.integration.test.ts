/**
 * Integration: the stack's four real clusters as it describes them, by real API calls: nodes and
 * zones, the API server's version, the demo Deployments and the pod names VictoriaMetrics has,
 * the portal's and apply's RBAC (status codes), the storage classes' claims, and the simulated
 * operator's status. Needs the running stack (`npm run stack -- start`; npm test starts it) and
 * changes nothing of it: scratch namespaces (and their volumes), removed afterwards.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import https from 'node:https';
import { promisify } from 'node:util';
import { KUBE_STATE_METRICS } from '@hubspoke/backstage-plugin-monitoring-manifests';
import { BIN } from '../binaries';
import {
  DEMO_NAMESPACE,
  DEMO_SERVICES,
  PODS_PER_SERVICE,
} from '../demoServices';
import { stackEnv } from '../env';
import { stackPaths } from '../paths';
import { KUBERNETES_ID_LABEL } from './bootstrap';
import { LocalKubeCluster as Cluster, localKubeClusters } from './clusters';
import { KWOK_ZONES } from './layout';

jest.setTimeout(120_000);

const OP = '/apis/operator.victoriametrics.com/v1beta1';
const APPLY = 'application/apply-patch+yaml';
const clusters = localKubeClusters(stackPaths());
const scratch = `monitoring-test-${randomBytes(3).toString('hex')}`;
const volumes: Array<[Cluster, string]> = [];
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
const ready = (o: any) =>
  o.status.conditions?.some(
    (x: any) => x.type === 'Ready' && x.status === 'True',
  );

/** One request to a cluster's API server, TLS verified with the stack's CA. */
function request(
  c: Cluster,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  type = method === 'PATCH'
    ? 'application/merge-patch+json'
    : 'application/json',
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const ca = Buffer.from(c.caData, 'base64');
    const headers = { authorization: `Bearer ${token}`, 'content-type': type };
    const req = https.request(
      new URL(path, c.url),
      { method, ca, headers },
      resolve,
    );
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path}`)));
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function call(...args: Parameters<typeof request>) {
  const res = await request(...args);
  let text = '';
  for await (const chunk of res.setEncoding('utf8')) text += chunk;
  const body = text.startsWith('{') ? JSON.parse(text) : text;
  return { status: res.statusCode!, body };
}

/** As the stack's admin; anything but 2xx throws. */
async function admin(c: Cluster, method: string, path: string, body?: any) {
  const a = await call(c, c.adminToken, method, path, body);
  if (a.status >= 300)
    throw new Error(`${c.name} ${method} ${path}: ${a.status}`);
  return a.body;
}

/** `generation:updateStatus@observedGeneration` */
const state = (o: any) =>
  `${o.metadata.generation}:${o.status?.updateStatus ?? '-'}@${o.status?.observedGeneration ?? '-'}`;

/**
 * The states an object goes through after `from` (a real watch from its resourceVersion, so
 * nothing is missed), repeats folded, until `done`; with the last object.
 */
async function watchStates(
  c: Cluster,
  collection: string,
  from: any,
  done: (o: any) => boolean,
): Promise<{ states: string[]; last: any }> {
  const { name, resourceVersion } = from.metadata;
  const field = encodeURIComponent(`metadata.name=${name}`);
  const query = `watch=1&resourceVersion=${resourceVersion}&fieldSelector=${field}`;
  const res = await request(c, c.adminToken, 'GET', `${collection}?${query}`);
  const states: string[] = [];
  const timer = setTimeout(() => res.destroy(), 30_000);
  let buffer = '';
  try {
    for await (const chunk of res.setEncoding('utf8')) {
      const lines = (buffer + chunk).split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        const event = JSON.parse(line);
        if (event.type === 'ERROR') throw new Error(JSON.stringify(event));
        const s = state(event.object);
        if (states[states.length - 1] !== s) states.push(s);
        if (done(event.object)) return { states, last: event.object };
      }
    }
  } finally {
    clearTimeout(timer);
    res.destroy();
  }
  throw new Error(`${c.name} ${name}: no end after ${states}`);
}

beforeAll(async () => {
  for (const c of clusters) {
    if (!c.portalToken || !c.applyToken)
      throw new Error(`${c.name} has no tokens yet: npm run stack -- start`);
    const up = await call(c, c.adminToken, 'GET', '/readyz').catch(() => null);
    if (up?.status !== 200)
      throw new Error(`${c.name} is not up: npm run stack -- start first`);
    const namespace = { metadata: { name: scratch } };
    await admin(c, 'POST', '/api/v1/namespaces', namespace);
    // Apply's own namespace (kept: the templates apply into it), for its allowed calls.
    const own = await call(c, c.adminToken, 'POST', '/api/v1/namespaces', {
      metadata: { name: 'monitoring' },
    });
    if (own.status !== 201 && own.status !== 409)
      throw new Error(
        `${c.name}: creating namespace monitoring: ${own.status}`,
      );
  }
});

afterAll(async () => {
  for (const c of clusters)
    await call(c, c.adminToken, 'DELETE', `/api/v1/namespaces/${scratch}`);
  // kwok's pv-delete stage deletes the Released volumes of gp3/efs (the storage test sees it):
  // this only removes a volume left by a test that failed before its claim was deleted.
  for (const [c, pv] of volumes)
    await call(c, c.adminToken, 'DELETE', `/api/v1/persistentvolumes/${pv}`);
});

it('each cluster: 3 Ready nodes, one per zone, and kubectl sees kube-apiserver v1.37.2', async () => {
  for (const c of clusters) {
    const nodes = (await admin(c, 'GET', '/api/v1/nodes')).items;
    const zones = nodes
      .filter(ready)
      .map((n: any) => n.metadata.labels['topology.kubernetes.io/zone']);
    expect(`${c.name} ${nodes.length} ${zones.sort()}`).toBe(
      `${c.name} 3 ${KWOK_ZONES}`,
    );
    const { stdout } = await promisify(execFile)(BIN.kubectl, [
      `--kubeconfig=${c.adminKubeconfig}`,
      'version',
      '--output=json',
    ]);
    expect(JSON.parse(stdout).serverVersion.gitVersion).toBe('v1.37.2');
  }
});

it('spokes: each demo Deployment runs 2 Ready pods on 2 nodes, the pods VictoriaMetrics names', async () => {
  const env = stackEnv();
  const user = `${env.MONITORING_VMSELECT_USERNAME}:${env.MONITORING_VMSELECT_PASSWORD}`;
  const authorization = `Basic ${Buffer.from(user).toString('base64')}`;
  /** The `pod` values of one expression, through vmauth as the portal's user. */
  const vmPods = async (query: string) => {
    const url = `${env.MONITORING_VMSELECT_URL}/api/v1/query`;
    const body = new URLSearchParams({ query });
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization },
      body,
    });
    const result: any[] = (await res.json()).data.result;
    return result.map(r => r.metric.pod).sort();
  };
  const spokes = clusters.filter(c => c.environment);
  expect(`${spokes.map(c => c.environment)}`).toBe('dev,staging,production');
  for (const c of spokes) {
    const real: string[] = [];
    const ns = `v1/namespaces/${DEMO_NAMESPACE}`;
    for (const { name } of DEMO_SERVICES) {
      const d = await admin(c, 'GET', `/apis/apps/${ns}/deployments/${name}`);
      const selector = encodeURIComponent(`${KUBERNETES_ID_LABEL}=${name}`);
      const pods = (
        await admin(c, 'GET', `/api/${ns}/pods?labelSelector=${selector}`)
      ).items.filter((p: any) => !p.metadata.deletionTimestamp);
      const running = pods.filter(
        (p: any) =>
          p.status.phase === 'Running' &&
          ready(p) &&
          p.metadata.ownerReferences?.[0]?.kind === 'ReplicaSet',
      );
      const nodes = new Set(running.map((p: any) => p.spec.nodeName));
      // replicas, ready replicas, pods, Running and Ready pods, their nodes
      const counts = [d.spec.replicas, d.status.readyReplicas, pods.length];
      counts.push(running.length, nodes.size);
      expect(`${c.name} ${name} ${counts}`).toBe(
        `${c.name} ${name} ${Array(5).fill(PODS_PER_SERVICE)}`,
      );
      real.push(...running.map((p: any) => p.metadata.name));
    }
    real.sort();
    const sel = `environment="${c.environment}",cluster="${c.name}",namespace="${DEMO_NAMESPACE}"`;
    for (const metric of ['up', 'kube_pod_labels'])
      expect(await vmPods(`count by (pod) (${metric}{${sel}})`)).toEqual(real);
  }
});

it('the portal token reads and writes nothing; the apply token applies and keeps to its names', async () => {
  const role = (name: string) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name },
    rules: [],
  });
  const ksm = `${KUBE_STATE_METRICS}-monitoring`;
  const bodies: Record<string, unknown> = {
    cm: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } },
    ns: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } },
    scale: { spec: { replicas: 3 } },
    other: role('monitoring-test-other'),
    ksm: role(ksm),
    // Its one ClusterRole may not grant more than apply holds (no `escalate`).
    wild: {
      ...role(ksm),
      rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
    },
    // A token Secret would mint the token of another account (refused at admission).
    satoken: {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/service-account-token',
      metadata: {
        name: 't',
        annotations: { 'kubernetes.io/service-account.name': 'default' },
      },
    },
  };
  const roles = '/apis/rbac.authorization.k8s.io/v1/clusterroles';
  const ssa = 'fieldManager=monitoring-test&dryRun=All';
  // `token method path [body] => status`; PATCH is a merge patch, APPLY a server-side apply.
  const matrix = [
    `portal GET /api/v1/namespaces/shop/pods => 2xx`,
    `portal GET ${OP}/vmagents => 2xx`,
    `portal POST /api/v1/namespaces/shop/configmaps cm => 403`,
    `portal GET /api/v1/namespaces/backstage-system/secrets => 403`,
    `portal GET /api/v1/secrets => 403`,
    `portal PATCH /apis/apps/v1/namespaces/shop/deployments/payments scale => 403`,
    `apply APPLY /api/v1/namespaces/monitoring/configmaps/x?${ssa} cm => 2xx`,
    `apply POST ${roles}?dryRun=All other => 403`,
    `apply APPLY ${roles}/monitoring-test-other?${ssa} other => 403`,
    // Its one ClusterRole (forced: the spoke applied at start may own its rules).
    `apply APPLY ${roles}/${ksm}?${ssa}&force=true ksm => 2xx`,
    `apply APPLY ${roles}/${ksm}?${ssa}&force=true wild => 403`,
    `apply APPLY /api/v1/namespaces/monitoring/secrets/t?${ssa} satoken => 422`,
    `apply APPLY /api/v1/namespaces/kube-system/configmaps/x?${ssa} cm => 422`,
    // Only in its own namespaces (monitoring here), whatever RBAC says cluster-wide.
    `apply APPLY /api/v1/namespaces/default/configmaps/x?${ssa} cm => 422`,
    `apply APPLY /api/v1/namespaces/${scratch}/configmaps/x?${ssa} cm => 422`,
    `apply APPLY /api/v1/namespaces/other?${ssa} ns => 403`,
    // Not VMUser: its spec may hold a password.
    `portal GET ${OP}/vmusers => 403`,
    `apply GET /api/v1/secrets => 403`,
    // (get, not the list kube-state-metrics needs; 403 before any lookup)
    `apply GET /api/v1/nodes/dev-cluster-zone-a => 403`,
  ];
  expect(DEMO_NAMESPACE).toBe('shop');
  for (const c of clusters) {
    const got = await Promise.all(
      matrix.map(async line => {
        const [who, method, path, body] = line.split(' => ')[0].split(' ');
        const token = who === 'portal' ? c.portalToken : c.applyToken;
        const verb = method === 'APPLY' ? 'PATCH' : method;
        const type = method === 'APPLY' ? APPLY : undefined;
        const { status } = await call(c, token, verb, path, bodies[body], type);
        return `${line.split(' => ')[0]} => ${status < 300 ? '2xx' : status}`;
      }),
    );
    expect([c.name, got]).toEqual([c.name, matrix]);
    // The dry run left nothing behind.
    const cm = `/api/v1/namespaces/monitoring/configmaps/x`;
    expect((await call(c, c.adminToken, 'GET', cm)).status).toBe(404);
  }
});

it('storage: a gp3 claim binds to a gp3 volume, which goes with the claim; a claim of class nope stays Pending', async () => {
  const claims = `/api/v1/namespaces/${scratch}/persistentvolumeclaims`;
  const claim = (c: Cluster, name: string, storageClassName: string) =>
    admin(c, 'POST', claims, {
      metadata: { name },
      spec: {
        storageClassName,
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '1Gi' } },
      },
    });
  await Promise.all(
    clusters.map(async c => {
      await claim(c, 'data', 'gp3');
      await claim(c, 'never', 'nope');
      let data: any;
      for (let i = 0; i < 60 && data?.status.phase !== 'Bound'; i++) {
        if (i) await sleep(250);
        data = await admin(c, 'GET', `${claims}/data`);
      }
      expect(`${c.name} ${data.status.phase}`).toBe(`${c.name} Bound`);
      volumes.push([c, data.spec.volumeName]);
      const pvs = '/api/v1/persistentvolumes';
      const pv = await admin(c, 'GET', `${pvs}/${data.spec.volumeName}`);
      const { claimRef: ref, storageClassName: sc } = pv.spec;
      expect(
        `${sc} ${pv.status.phase} ${ref.namespace}/${ref.name} ${ref.uid}`,
      ).toBe(`gp3 Bound ${scratch}/data ${data.metadata.uid}`);
      for (let i = 0; i < 10; i++) {
        const never = await admin(c, 'GET', `${claims}/never`);
        expect(`${c.name} ${never.status.phase} ${never.spec.volumeName}`).toBe(
          `${c.name} Pending undefined`,
        );
        await sleep(500);
      }
      // Deleted, the claim releases its volume, and the reclaim policy (Delete) removes it.
      await admin(c, 'DELETE', `${claims}/data`);
      let gone = 0;
      for (let i = 0; i < 60 && gone !== 404; i++) {
        if (i) await sleep(500);
        gone = (
          await call(c, c.adminToken, 'GET', `${pvs}/${pv.metadata.name}`)
        ).status;
      }
      expect(`${c.name} ${pv.metadata.name} ${gone}`).toBe(
        `${c.name} ${pv.metadata.name} 404`,
      );
    }),
  );
});

it('the simulated operator: expanding then operational per generation; a missing storage class fails', async () => {
  const apiVersion = 'operator.victoriametrics.com/v1beta1';
  const agents = `${OP}/namespaces/${scratch}/vmagents`;
  const vmclusters = `${OP}/namespaces/${scratch}/vmclusters`;
  const operational = (g: number) => (o: any) =>
    o.status?.updateStatus === 'operational' &&
    o.status.observedGeneration === g;
  const settled = (o: any) =>
    ['operational', 'failed'].includes(o.status?.updateStatus);
  const vmcluster = (c: Cluster, name: string, storageClassName: string) =>
    admin(c, 'POST', vmclusters, {
      apiVersion,
      kind: 'VMCluster',
      metadata: { name },
      spec: {
        retentionPeriod: '1',
        vmstorage: {
          storage: { volumeClaimTemplate: { spec: { storageClassName } } },
        },
      },
    }).then(o => watchStates(c, vmclusters, o, settled));
  await Promise.all(
    clusters.map(async c => {
      const created = await admin(c, 'POST', agents, {
        apiVersion,
        kind: 'VMAgent',
        metadata: { name: 'agent' },
        spec: { remoteWrite: [{ url: 'http://127.0.0.1:1/api/v1/write' }] },
      });
      const first = await watchStates(c, agents, created, operational(1));
      const patched = await admin(c, 'PATCH', `${agents}/agent`, {
        spec: { scrapeInterval: '20s' },
      });
      const second = await watchStates(c, agents, patched, operational(2));
      const generations = `${created.metadata.generation} ${patched.metadata.generation}`;
      expect(`${c.name} ${generations}: ${first.states} ${second.states}`).toBe(
        `${c.name} 1 2: 1:expanding@1,1:operational@1 2:expanding@2,2:operational@2`,
      );

      const [bad, good] = await Promise.all([
        vmcluster(c, 'bad', 'nope'),
        vmcluster(c, 'good', 'gp3'),
      ]);
      expect(`${c.name} ${bad.states} ${good.states}`).toBe(
        `${c.name} 1:expanding@1,1:failed@1 1:expanding@1,1:operational@1`,
      );
      expect(bad.last.status.reason).toMatch(/storageclass.*"nope" not found/);
      expect(good.last.status.reason ?? '').toBe('');
    }),
  );
});
