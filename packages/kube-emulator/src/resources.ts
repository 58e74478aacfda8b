/**
 * The resource catalogue of the Kubernetes API emulator (see index.ts): which kinds it serves,
 * under which group/version and plural name, namespaced or not, as discovery reports them.
 */
export interface EmulatedResource {
  /** '' for the core group. */
  group: string;
  version: string;
  kind: string;
  /** Plural resource name, e.g. `deployments`. */
  name: string;
  namespaced: boolean;
}

const VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

const core = (
  kind: string,
  name: string,
  namespaced = true,
): EmulatedResource => ({
  group: '',
  version: 'v1',
  kind,
  name,
  namespaced,
});
const grouped = (
  group: string,
  version: string,
  kind: string,
  name: string,
  namespaced = true,
) => ({
  group,
  version,
  kind,
  name,
  namespaced,
});

/** Built-in resources every cluster has. */
export const CORE_RESOURCES: EmulatedResource[] = [
  core('Namespace', 'namespaces', false),
  core('Secret', 'secrets'),
  core('ConfigMap', 'configmaps'),
  core('ServiceAccount', 'serviceaccounts'),
  core('Service', 'services'),
  core('PersistentVolumeClaim', 'persistentvolumeclaims'),
  grouped('apps', 'v1', 'Deployment', 'deployments'),
  grouped('apps', 'v1', 'StatefulSet', 'statefulsets'),
  grouped('apps', 'v1', 'DaemonSet', 'daemonsets'),
  grouped('policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets'),
  grouped('networking.k8s.io', 'v1', 'Ingress', 'ingresses'),
  grouped(
    'rbac.authorization.k8s.io',
    'v1',
    'ClusterRole',
    'clusterroles',
    false,
  ),
  grouped(
    'rbac.authorization.k8s.io',
    'v1',
    'ClusterRoleBinding',
    'clusterrolebindings',
    false,
  ),
  grouped('rbac.authorization.k8s.io', 'v1', 'Role', 'roles'),
  grouped('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings'),
];

/** The VictoriaMetrics operator CRDs (installed or not, per test). */
export const OPERATOR_RESOURCES: EmulatedResource[] = [
  ['VMCluster', 'vmclusters'],
  ['VMSingle', 'vmsingles'],
  ['VMAuth', 'vmauths'],
  ['VMUser', 'vmusers'],
  ['VMAgent', 'vmagents'],
  ['VMAlert', 'vmalerts'],
  ['VMAlertmanager', 'vmalertmanagers'],
  ['VMAlertmanagerConfig', 'vmalertmanagerconfigs'],
  ['VMRule', 'vmrules'],
  ['VMServiceScrape', 'vmservicescrapes'],
  ['VMPodScrape', 'vmpodscrapes'],
  ['VMNodeScrape', 'vmnodescrapes'],
  ['VMStaticScrape', 'vmstaticscrapes'],
  ['VMProbe', 'vmprobes'],
].map(([kind, name]) =>
  grouped('operator.victoriametrics.com', 'v1beta1', kind, name),
);

/** The external-secrets.io CRDs. */
export const EXTERNAL_SECRETS_RESOURCES: EmulatedResource[] = [
  grouped(
    'external-secrets.io',
    'v1beta1',
    'ExternalSecret',
    'externalsecrets',
  ),
];

/** Operator kinds that run workloads and report `updateStatus` (the others are config). */
export const OPERATOR_WORKLOADS = new Set([
  'VMCluster',
  'VMSingle',
  'VMAuth',
  'VMAgent',
  'VMAlert',
  'VMAlertmanager',
]);

/** Discovery's `/apis`: every group served, with its versions. */
export function apiGroupList(resources: EmulatedResource[]) {
  const groups = new Map<string, Set<string>>();
  for (const r of resources.filter(x => x.group)) {
    (groups.get(r.group) ?? groups.set(r.group, new Set()).get(r.group)!).add(
      r.version,
    );
  }
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups].map(([name, versions]) => ({
      name,
      versions: [...versions].map(v => ({
        groupVersion: `${name}/${v}`,
        version: v,
      })),
      preferredVersion: {
        groupVersion: `${name}/${[...versions][0]}`,
        version: [...versions][0],
      },
    })),
  };
}

/** Discovery's `/api/v1` or `/apis/<group>/<version>`; undefined when nothing is served there. */
export function apiResourceList(
  resources: EmulatedResource[],
  groupVersion: string,
) {
  const list = resources.filter(
    r => (r.group ? `${r.group}/${r.version}` : r.version) === groupVersion,
  );
  if (list.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: list.map(r => ({
      name: r.name,
      singularName: r.kind.toLowerCase(),
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: VERBS,
    })),
  };
}
