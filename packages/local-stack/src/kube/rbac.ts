/**
 * The two identities Backstage uses in each cluster, as ServiceAccounts in `backstage-system`
 * with long-lived token Secrets (what a platform team puts into Backstage's config):
 *
 * - `backstage-portal`: the Kubernetes plugin's and the monitoring backend's reads, read-only.
 *   What the Kubernetes plugin lists for the entity page (its default object types) and the
 *   operator's resources whose status the Stack tab shows. No Secrets.
 * - `monitoring-apply`: the templates' Apply. Exactly the kinds the builders render, with the
 *   verbs server-side apply and its dry run need (`get` to tell created from unchanged, `patch`
 *   for apply and `create` for a new object), `list` where readiness explains a wait (the pods of
 *   a workload, their claims and events), and the one ClusterRole kube-state-metrics needs:
 *   `escalate`/`bind` only on that name, so apply cannot grant itself or anyone anything else.
 *
 * Both are bound cluster-wide: a RoleBinding cannot exist before its namespace, and apply
 * creates the namespace; the suite's `allowedNamespaces` keeps apply to its namespaces.
 */
import { KUBE_STATE_METRICS } from '@hubspoke/backstage-plugin-monitoring-manifests';

export const BACKSTAGE_NAMESPACE = 'backstage-system';
export const PORTAL_ACCOUNT = 'backstage-portal';
export const APPLY_ACCOUNT = 'monitoring-apply';
/** The namespace the local clusters' apply may write (`allowedNamespaces`' default). */
const APPLY_NAMESPACE = 'monitoring';

const OPERATOR_GROUP = 'operator.victoriametrics.com';
const READ = ['get', 'list', 'watch'];
const APPLY = ['get', 'list', 'create', 'patch'];

type Rule = {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
};

export const PORTAL_RULES: Rule[] = [
  {
    apiGroups: [''],
    resources: [
      'pods',
      'pods/log',
      'services',
      'configmaps',
      'limitranges',
      'resourcequotas',
      'events',
      'namespaces',
    ],
    verbs: READ,
  },
  {
    apiGroups: ['apps'],
    resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'],
    verbs: READ,
  },
  {
    apiGroups: ['autoscaling'],
    resources: ['horizontalpodautoscalers'],
    verbs: READ,
  },
  { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: READ },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: READ },
  { apiGroups: [OPERATOR_GROUP], resources: ['*'], verbs: READ },
];

const ksmClusterRole = `${KUBE_STATE_METRICS}-${APPLY_NAMESPACE}`;

export const APPLY_RULES: Rule[] = [
  // The namespace the set creates first.
  {
    apiGroups: [''],
    resources: ['namespaces'],
    verbs: ['get', 'create', 'patch'],
  },
  {
    apiGroups: [''],
    resources: [
      'secrets',
      'configmaps',
      'serviceaccounts',
      'services',
      'persistentvolumeclaims',
    ],
    verbs: APPLY,
  },
  // Readiness: why a workload waits (a Pending pod's scheduling message, its events).
  { apiGroups: [''], resources: ['pods', 'events'], verbs: ['get', 'list'] },
  {
    apiGroups: ['apps'],
    resources: ['deployments', 'statefulsets', 'daemonsets'],
    verbs: APPLY,
  },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: APPLY },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: APPLY },
  { apiGroups: [OPERATOR_GROUP], resources: ['*'], verbs: APPLY },
  {
    apiGroups: ['external-secrets.io'],
    resources: ['externalsecrets'],
    verbs: APPLY,
  },
  // kube-state-metrics' cluster-wide read role and its binding, by name only.
  {
    apiGroups: ['rbac.authorization.k8s.io'],
    resources: ['clusterroles', 'clusterrolebindings'],
    verbs: ['get', 'create', 'patch'],
    resourceNames: [ksmClusterRole],
  },
  {
    apiGroups: ['rbac.authorization.k8s.io'],
    resources: ['clusterroles'],
    verbs: ['escalate', 'bind'],
    resourceNames: [ksmClusterRole],
  },
];

const tokenSecretName = (account: string) => `${account}-token`;

/** The objects the bootstrap applies for both accounts. */
export function accountObjects(): Record<string, any>[] {
  const ns = BACKSTAGE_NAMESPACE;
  const objects: Record<string, any>[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
  ];
  for (const [account, rules] of [
    [PORTAL_ACCOUNT, PORTAL_RULES],
    [APPLY_ACCOUNT, APPLY_RULES],
  ] as const) {
    objects.push(
      {
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: account, namespace: ns },
      },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'kubernetes.io/service-account-token',
        metadata: {
          name: tokenSecretName(account),
          namespace: ns,
          annotations: { 'kubernetes.io/service-account.name': account },
        },
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: account },
        rules,
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: account },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: account,
        },
        subjects: [{ kind: 'ServiceAccount', name: account, namespace: ns }],
      },
    );
  }
  return objects;
}

export { tokenSecretName };
