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
 *   a workload, their claims and events), and kube-state-metrics' ClusterRole and binding by
 *   name. No `escalate`: Kubernetes lets apply write that role only with rules apply holds itself,
 *   so it also holds the role's own reads (list/watch, no Secrets); `bind` lets it bind that role
 *   only, which grants nothing apply does not have.
 *
 * Both are bound cluster-wide: a RoleBinding cannot exist before its namespace, and apply
 * creates the namespace; the suite's `allowedNamespaces` keeps apply to its namespaces. What RBAC
 * cannot express the cluster refuses at admission (`applyGuard`): writes in the system
 * namespaces, and ServiceAccount token Secrets (which would mint another account's token).
 */
import {
  KUBE_STATE_METRICS,
  kubeStateMetrics,
} from '@hubspoke/backstage-plugin-monitoring-manifests';
import { operatorPlurals } from './crds';

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
  { apiGroups: [OPERATOR_GROUP], resources: operatorPlurals(), verbs: READ },
];

const ksmClusterRole = `${KUBE_STATE_METRICS}-${APPLY_NAMESPACE}`;

export const APPLY_RULES: Rule[] = [
  // The namespace the set creates first.
  {
    apiGroups: [''],
    resources: ['namespaces'],
    verbs: ['get', 'create', 'patch'],
  },
  // Secrets: read one by name (to keep a value that exists), never list them.
  {
    apiGroups: [''],
    resources: ['secrets'],
    verbs: ['get', 'create', 'patch'],
  },
  {
    apiGroups: [''],
    resources: [
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
  { apiGroups: [OPERATOR_GROUP], resources: operatorPlurals(), verbs: APPLY },
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
    verbs: ['bind'],
    resourceNames: [ksmClusterRole],
  },
  // What that role grants (RBAC refuses to let apply write rules it does not hold itself).
  ...ksmRules(),
];

/** kube-state-metrics' ClusterRole rules, as the builders render them. */
function ksmRules(): Rule[] {
  const role = kubeStateMetrics({
    namespace: APPLY_NAMESPACE,
    labels: {},
  }).find(o => o.kind === 'ClusterRole');
  return (role?.rules as Rule[]) ?? [];
}

/** Namespaces no Backstage identity writes in. */
export const PROTECTED_NAMESPACES = [
  'kube-system',
  'kube-public',
  'kube-node-lease',
  BACKSTAGE_NAMESPACE,
];

const applyUser = () =>
  `system:serviceaccount:${BACKSTAGE_NAMESPACE}:${APPLY_ACCOUNT}`;

/**
 * A ValidatingAdmissionPolicy (GA since 1.30) and its binding: what RBAC cannot say about apply's
 * writes. Evaluated for dry runs too.
 */
export function applyGuard(): Record<string, any>[] {
  const name = `${APPLY_ACCOUNT}-guard`;
  const quoted = PROTECTED_NAMESPACES.map(n => `'${n}'`).join(', ');
  return [
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: [
            {
              apiGroups: ['*'],
              apiVersions: ['*'],
              operations: ['CREATE', 'UPDATE', 'DELETE'],
              resources: ['*'],
            },
          ],
        },
        matchConditions: [
          {
            name: 'is-monitoring-apply',
            expression: `request.userInfo.username == '${applyUser()}'`,
          },
        ],
        validations: [
          {
            // Cluster-scoped requests carry no namespace field.
            expression: `!(has(request.namespace) && request.namespace in [${quoted}]) && !(request.resource.resource == 'namespaces' && request.name in [${quoted}])`,
            message: `${APPLY_ACCOUNT} may not write in the cluster's system namespaces`,
          },
          {
            expression:
              "request.resource.resource != 'secrets' || object == null || !has(object.type) || object.type != 'kubernetes.io/service-account-token'",
            message: `${APPLY_ACCOUNT} may not create ServiceAccount token Secrets`,
          },
        ],
      },
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name },
      spec: { policyName: name, validationActions: ['Deny'] },
    },
  ];
}

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
  return [...objects, ...applyGuard()];
}

export { tokenSecretName };
