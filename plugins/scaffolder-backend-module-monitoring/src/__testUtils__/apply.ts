/**
 * Helpers for the `monitoring:apply` tests: real Kubernetes control planes (etcd, kube-apiserver,
 * controller manager, scheduler and kwok nodes from `@internal/monitoring-local-stack`), the
 * app's config for them, their audit log, and rendered workspaces.
 */
import { mockServices } from '@backstage/backend-test-utils';
import {
  APPLY_ACCOUNT,
  BACKSTAGE_NAMESPACE,
  PORTAL_ACCOUNT,
  TestKubeCluster,
} from '@internal/monitoring-local-stack';
import {
  buildHub,
  buildSpoke,
  K8sObject,
} from '@hubspoke/backstage-plugin-monitoring-manifests';
import { exampleInput } from './actions';
import { examples as hubExamples } from '../actions/hubRender.examples';
import { examples as spokeExamples } from '../actions/spokeRender.examples';
import { HUB_SIDE_DIR } from '../actions/spokeRender';
import { writeManifests } from '../actions/writeManifests';
import { RENDER_META_DIR, RENDER_SEAL_FILE, RenderSeal } from '../apply/seal';
import fs from 'node:fs';
import path from 'node:path';

/** Jest timeout of the files that start a cluster (a cold start takes ~15 s on 2 cores). */
export const CLUSTER_TEST_TIMEOUT_MS = 120_000;

/** The task id of createMockActionContext: what the renders here are sealed for. */
export const MOCK_TASK_ID = 'mock-task-id';

/** Who the API server sees: apply's ServiceAccount and the portal's. */
export const APPLY_USER = `system:serviceaccount:${BACKSTAGE_NAMESPACE}:${APPLY_ACCOUNT}`;
export const PORTAL_USER = `system:serviceaccount:${BACKSTAGE_NAMESPACE}:${PORTAL_ACCOUNT}`;

const silent = { info: () => {} };

/**
 * The hub's operator-provided Secret values, as a template passes them from its secrets. Test
 * values only: each is checked never to reach a file, a log line or an output.
 */
export const HUB_PROVIDED_VALUES = {
  'monitoring/hub-grafana-database': {
    host: 'postgres.example.internal:5432',
    database: 'grafana',
    user: 'grafana',
    password: 'Pg-Provided-Pa55w0rd-9137',
  },
  'monitoring/hub-alertmanager': {
    'alertmanager.yaml':
      'route: {receiver: blackhole}\nreceivers: [{name: blackhole}]\n',
  },
};
/** The same, in the action's `secretValues` input form, for a hub in `namespace`. */
export const hubProvided = (namespace = 'monitoring') =>
  Object.entries(HUB_PROVIDED_VALUES).map(([secret, values]) => ({
    secret: secret.replace(/^monitoring\//, `${namespace}/`),
    values,
  }));
export const HUB_PROVIDED = hubProvided();

/**
 * Root config with the clusters as `kubernetes.clusterLocatorMethods` entries (TLS verified with
 * their CA, the portal's read-only token as the Kubernetes plugin's) and, in
 * `monitoring.apply.clusters`, apply's own token for each (or `token`'s choice), with
 * `allowedNamespaces` when given (else the default).
 */
export function configFor(
  clusters: Record<string, TestKubeCluster>,
  options: {
    allowedNamespaces?: string[];
    token?: (c: TestKubeCluster) => string;
  } = {},
) {
  const token = options.token ?? (c => c.applyToken);
  return mockServices.rootConfig({
    data: {
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: Object.entries(clusters).map(([name, c]) => ({
              name,
              url: c.url,
              authProvider: 'serviceAccount',
              serviceAccountToken: c.portalToken,
              caData: c.caData,
            })),
          },
        ],
      },
      monitoring: {
        apply: {
          clusters: Object.entries(clusters).map(([name, c]) => ({
            name,
            serviceAccountToken: token(c),
            ...(options.allowedNamespaces
              ? { allowedNamespaces: options.allowedNamespaces }
              : {}),
          })),
        },
      },
    },
  });
}

export type AuditEvent = ReturnType<TestKubeCluster['auditEvents']>[number];

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
let barriers = 0;

const isPatch = (e: AuditEvent) =>
  e.verb === 'patch' && e.objectRef?.subresource === undefined;
/** A server-side dry run. */
export const isDryRun = (e: AuditEvent) =>
  isPatch(e) && e.requestURI.includes('dryRun=All');
/** A server-side apply that was not a dry run. */
export const isApply = (e: AuditEvent) =>
  isPatch(e) && !e.requestURI.includes('dryRun=All');

/**
 * The cluster's audit log from now on (in the order the API server logged the requests): what
 * reached it, and as whom. Each read first makes a request of its own and waits for it in the
 * log, so every request answered before is in it too.
 */
export function auditFrom(cluster: TestKubeCluster) {
  let from = cluster.auditEvents().length;
  const since = () => cluster.auditEvents().slice(from);
  const settled = async (): Promise<AuditEvent[]> => {
    const name = `audit-barrier-${process.pid}-${++barriers}`;
    await cluster.admin.read({ apiVersion: 'v1', kind: 'Namespace', name });
    for (let i = 0; i < 100; i++) {
      const events = since();
      if (events.some(e => e.objectRef?.name === name)) return events;
      await sleep(50);
    }
    throw new Error(`the audit log of ${cluster.name} has no ${name}`);
  };
  const as = async (user: string) =>
    (await settled()).filter(e => e.user.username === user);
  return {
    /** Forget what happened so far. */
    reset: () => {
      from = cluster.auditEvents().length;
    },
    /** Requests of apply's ServiceAccount. */
    byApply: () => as(APPLY_USER),
    /** Requests of the portal's (the Kubernetes plugin's) ServiceAccount. */
    byPortal: () => as(PORTAL_USER),
    /** Server-side applies that were not dry runs, as apply. */
    applies: async () => (await as(APPLY_USER)).filter(isApply),
    /** Server-side dry runs, as apply. */
    dryRuns: async () => (await as(APPLY_USER)).filter(isDryRun),
  };
}

/** A live object as the admin reads it, or undefined. */
export const live = (cluster: TestKubeCluster, obj: K8sObject) =>
  cluster.admin.read({
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name,
    namespace: obj.metadata.namespace,
  });

/** `kind/namespace/name` -> resourceVersion of each object (undefined when absent). */
export async function versions(cluster: TestKubeCluster, objects: K8sObject[]) {
  const out: Record<string, string | undefined> = {};
  for (const obj of objects) {
    out[`${obj.kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`] = (
      await live(cluster, obj)
    )?.metadata?.resourceVersion;
  }
  return out;
}

/** The objects of these kinds in a namespace, as the admin lists them. */
export async function listed(
  cluster: TestKubeCluster,
  apiVersion: string,
  kind: string,
  namespace: string,
): Promise<Array<Record<string, any>>> {
  const list = await cluster.admin.objects.list(apiVersion, kind, namespace);
  return list.items as Array<Record<string, any>>;
}

/**
 * Deletes every node-exporter DaemonSet (as the admin) and waits until their pods are gone. A
 * hub's and a spoke's node-exporter take host ports on every node, so a second one in another
 * namespace of the same cluster stays Pending (as it would on a real cluster): tests that apply
 * more than one into a cluster free the ports first.
 */
export async function removeNodeExporters(cluster: TestKubeCluster) {
  const selector = 'app.kubernetes.io/name=node-exporter';
  const sets = await cluster.admin.objects.list(
    'apps/v1',
    'DaemonSet',
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    selector,
  );
  for (const ds of sets.items)
    await cluster.admin.objects.delete(
      {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: {
          name: ds.metadata?.name,
          namespace: ds.metadata?.namespace,
        },
      },
      undefined,
      undefined,
      undefined,
      undefined,
      'Background',
    );
  for (let i = 0; i < 300; i++) {
    const pods = await cluster.admin.core.listPodForAllNamespaces({
      labelSelector: selector,
    });
    if (pods.items.length === 0) return;
    await sleep(100);
  }
  throw new Error(`node-exporter pods are still in ${cluster.name}`);
}

/** The Secrets a render's secret-requirements.json makes, as object references. */
export const secretRefs = (
  secrets: Array<{ namespace: string; name: string }>,
): K8sObject[] =>
  secrets.map(s => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: s.name, namespace: s.namespace },
  }));

/** Renders the first hub example into `workspace/outputPath`. */
export async function renderHub(
  workspace: string,
  outputPath = 'hub',
  overrides: Record<string, unknown> = {},
  /** The cluster the render is sealed for (the apply tests' `infra`). */
  cluster = 'infra',
) {
  const hub = buildHub({
    ...exampleInput(hubExamples[0].example),
    outputPath,
    ...overrides,
  } as any);
  await writeManifests({
    workspacePath: workspace,
    outputPath,
    sets: [{ subdir: '', objects: hub.objects, cluster }],
    secrets: hub.secrets,
    logger: silent,
    seal: RenderSeal.forProcess(),
    task: MOCK_TASK_ID,
  });
  return hub;
}

/** Renders the first spoke example into `workspace/spokes/<cluster>` (with `hub-side/`). */
export async function renderSpoke(
  workspace: string,
  overrides: Record<string, unknown> = {},
  /** The clusters the render is sealed for (default: its own cluster, and the hub on `infra`). */
  clusters: { cluster?: string; hubCluster?: string } = {},
) {
  const spoke = buildSpoke({
    ...exampleInput(spokeExamples[0].example),
    ...overrides,
  } as any);
  const outputPath = `spokes/${spoke.options.clusterName}`;
  await writeManifests({
    workspacePath: workspace,
    outputPath,
    sets: [
      {
        subdir: '',
        objects: spoke.spoke,
        cluster: clusters.cluster ?? spoke.options.clusterName,
      },
      {
        subdir: HUB_SIDE_DIR,
        objects: spoke.hub,
        cluster: clusters.hubCluster ?? 'infra',
      },
    ],
    secrets: spoke.secrets,
    logger: silent,
    seal: RenderSeal.forProcess(),
    task: MOCK_TASK_ID,
  });
  return { ...spoke, outputPath };
}

/**
 * Seals a rendered folder again as it now is, as a render with other inputs would: for tests
 * that change a rendered object on purpose (edited files are refused otherwise).
 */
export function reseal(folder: string, role = '', cluster = 'infra') {
  const files: Record<string, string> = {};
  for (const name of fs.readdirSync(folder)) {
    if (/\.ya?ml$/.test(name))
      files[name] = fs.readFileSync(path.join(folder, name), 'utf8');
  }
  const metaDir = path.join(folder, RENDER_META_DIR);
  for (const name of fs.readdirSync(metaDir)) {
    if (name !== RENDER_SEAL_FILE)
      files[`${RENDER_META_DIR}/${name}`] = fs.readFileSync(
        path.join(metaDir, name),
        'utf8',
      );
  }
  fs.writeFileSync(
    path.join(metaDir, RENDER_SEAL_FILE),
    RenderSeal.forProcess().seal(role, files, { task: MOCK_TASK_ID, cluster }),
  );
}

/** Readiness polling for tests: the simulated operator settles in ~1.5 s. */
export const fast = { initialMs: 200, maxMs: 1000 };
