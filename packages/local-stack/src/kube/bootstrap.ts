/**
 * What each local cluster gets after its API server answers (idempotent, server-side apply as
 * the stack's admin): the operator's CRDs from the manifests package's bundle, three kwok nodes
 * in three zones, the storage classes, the portal's and apply's ServiceAccounts with their
 * tokens, and, in the spokes, the demo services as Deployments whose pods the hub scrapes.
 */
import {
  ANNOTATION_KUBERNETES_ID,
  SERVICE_POD_LABELS,
} from '@hubspoke/backstage-plugin-monitoring-common';
import {
  DEMO_NAMESPACE,
  DEMO_SERVICES,
  PODS_PER_SERVICE,
} from '../demoServices';
import { BIN } from '../binaries';
import {
  KubeClient,
  kubectlServerSideApply,
  STACK_FIELD_MANAGER,
} from './kubeClient';
import { KubeClusterLayout, KWOK_ZONES } from './layout';
import {
  accountObjects,
  APPLY_ACCOUNT,
  BACKSTAGE_NAMESPACE,
  PORTAL_ACCOUNT,
  tokenSecretName,
} from './rbac';
import { STORAGE_CLASSES } from './stages';
import { OPERATOR_CRDS_DIR, operatorCrdNames } from './crds';
import { awaitDemoPods } from './demoPods';

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** The label the Kubernetes plugin finds an entity's objects by (the annotation's key). */
export const KUBERNETES_ID_LABEL = ANNOTATION_KUBERNETES_ID;

/**
 * Installs the bundle with the stack's own kubectl: the typed client re-serialises a CRD
 * through its model and drops `x-kubernetes-*` schema keys, which the API server then refuses.
 */
function installCrds(kubeconfig: string): Promise<void> {
  return kubectlServerSideApply({
    kubectl: BIN.kubectl,
    kubeconfig,
    fieldManager: STACK_FIELD_MANAGER,
    path: OPERATOR_CRDS_DIR,
    what: "installing the operator's CRDs",
  });
}

export function kwokNodes(cluster: KubeClusterLayout): Record<string, any>[] {
  return KWOK_ZONES.map(zone => {
    const name = `${cluster.name}-${zone}`;
    return {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        annotations: { 'kwok.x-k8s.io/node': 'fake' },
        labels: {
          'kubernetes.io/hostname': name,
          'kubernetes.io/os': 'linux',
          'kubernetes.io/arch': 'amd64',
          'topology.kubernetes.io/zone': zone,
          'node.kubernetes.io/instance-type': 'kwok',
          type: 'kwok',
        },
      },
      spec: {},
      status: {
        allocatable: { cpu: '16', memory: '64Gi', pods: '110' },
        capacity: { cpu: '16', memory: '64Gi', pods: '110' },
      },
    };
  });
}

export function storageClasses(): Record<string, any>[] {
  return Object.entries(STORAGE_CLASSES).map(([name, provisioner]) => ({
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name },
    provisioner,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'Immediate',
    allowVolumeExpansion: true,
  }));
}

/** The demo services as Deployments: the pods the Kubernetes tab lists and the hub scrapes. */
export function demoWorkloads(): Record<string, any>[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: DEMO_NAMESPACE } },
    ...DEMO_SERVICES.map(s => {
      const podLabels = {
        ...Object.fromEntries(SERVICE_POD_LABELS.map(l => [l, s.name])),
        [KUBERNETES_ID_LABEL]: s.name,
      };
      return {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {
          name: s.name,
          namespace: DEMO_NAMESPACE,
          labels: podLabels,
        },
        spec: {
          replicas: PODS_PER_SERVICE,
          selector: { matchLabels: { [KUBERNETES_ID_LABEL]: s.name } },
          template: {
            metadata: { labels: podLabels },
            spec: {
              containers: [
                {
                  name: s.name,
                  image: `registry.example.com/shop/${s.name}:1.0.0`,
                  ports: [{ name: 'http', containerPort: 8080 }],
                  resources: {
                    requests: { cpu: '100m', memory: '128Mi' },
                    limits: { memory: '256Mi' },
                  },
                },
              ],
            },
          },
        },
      };
    }),
  ];
}

async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
}

export interface BootstrappedCluster {
  /** The ServiceAccount tokens the API server issued. */
  portalToken: string;
  applyToken: string;
  /** Running demo pods by service (spokes only). */
  pods: Record<string, string[]>;
}

async function accountToken(client: KubeClient, account: string) {
  const secret = await client.read({
    apiVersion: 'v1',
    kind: 'Secret',
    name: tokenSecretName(account),
    namespace: BACKSTAGE_NAMESPACE,
  });
  const token = secret?.data?.token;
  return token ? Buffer.from(token, 'base64').toString('utf8') : undefined;
}

/**
 * First half of the bootstrap, before kwok starts (kwok needs the operator's kinds served to load
 * their stages): the objects are applied, CRDs established.
 */
export async function installClusterObjects(
  client: KubeClient,
  cluster: KubeClusterLayout,
  opts: {
    timeoutMs?: number;
    /** Install the operator's CRDs (a test of a cluster without them turns this off). */
    operatorCrds?: boolean;
    /** The admin's kubeconfig (kubectl installs the CRDs). */
    kubeconfig: string;
    /** Where apply may write (its RBAC names and admission policy); default `monitoring`. */
    applyNamespaces?: string[];
  },
): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 90_000;
  const crds = opts.operatorCrds === false ? [] : operatorCrdNames();
  if (crds.length) await installCrds(opts.kubeconfig);
  await waitFor(
    `the operator's CRDs to be established in ${cluster.name}`,
    async () => {
      for (const crd of crds) {
        const live = await client.read({
          apiVersion: 'apiextensions.k8s.io/v1',
          kind: 'CustomResourceDefinition',
          name: crd,
        });
        const ok = live?.status?.conditions?.some(
          (c: any) => c.type === 'Established' && c.status === 'True',
        );
        if (!ok) return undefined;
      }
      return true;
    },
    timeoutMs,
  );
  for (const obj of [
    ...storageClasses(),
    ...kwokNodes(cluster),
    ...accountObjects(opts.applyNamespaces),
  ])
    await client.apply(obj);
  if (cluster.environment)
    for (const obj of demoWorkloads()) await client.apply(obj);
}

/** Second half, with kwok running: the ServiceAccount tokens, and the demo pods Running. */
export async function awaitClusterReady(
  client: KubeClient,
  cluster: KubeClusterLayout,
  opts: { timeoutMs?: number } = {},
): Promise<BootstrappedCluster> {
  const timeoutMs = opts.timeoutMs ?? 150_000;
  const portalToken = await waitFor(
    `the ${PORTAL_ACCOUNT} token in ${cluster.name}`,
    () => accountToken(client, PORTAL_ACCOUNT),
    timeoutMs,
  );
  const applyToken = await waitFor(
    `the ${APPLY_ACCOUNT} token in ${cluster.name}`,
    () => accountToken(client, APPLY_ACCOUNT),
    timeoutMs,
  );
  const pods = cluster.environment
    ? await awaitDemoPods(client, cluster.name, timeoutMs)
    : {};
  return { portalToken, applyToken, pods };
}
