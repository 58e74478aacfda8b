/**
 * The two identities Backstage uses in each cluster, as ServiceAccounts in `backstage-system`
 * with long-lived token Secrets (what a platform team puts into Backstage's config):
 *
 * - `backstage-portal`: the Kubernetes plugin's and the monitoring backend's reads, read-only:
 *   the plugin's default object types and the operator kinds the Stack tab shows. No Secrets,
 *   no pod logs, not VMUser (its spec may hold a password).
 * - `monitoring-apply`: the templates' Apply. get/create/patch on exactly the kinds the builders
 *   render (`get` tells created from unchanged; server-side apply is a patch), `list` on pods only
 *   (readiness explains a wait by its pods), and kube-state-metrics' ClusterRole and binding by
 *   name, without `escalate`: Kubernetes lets apply write that role only with rules it holds, so
 *   it holds that role's reads (list/watch, no Secrets).
 *
 * Both are bound cluster-wide (a RoleBinding cannot exist before the namespace apply creates), so
 * what RBAC cannot say the cluster refuses at admission (`applyGuard`): apply writes only in its
 * namespaces, binds kube-state-metrics' role only to that ServiceAccount, and makes no
 * ServiceAccount token Secret. It can `get` any Secret by name (it reads its own before their
 * namespace exists); a cluster that pre-creates apply's namespaces binds that with RoleBindings.
 */
import {
  KUBE_STATE_METRICS,
  kubeStateMetrics,
  OPERATOR_API_VERSION,
} from '@hubspoke/backstage-plugin-monitoring-manifests';
import { VM_RESOURCE_PLURALS } from '@hubspoke/backstage-plugin-monitoring-common';
import { operatorPlurals } from './crds';

export const BACKSTAGE_NAMESPACE = 'backstage-system';
export const PORTAL_ACCOUNT = 'backstage-portal';
export const APPLY_ACCOUNT = 'monitoring-apply';

const OPERATOR_GROUP = OPERATOR_API_VERSION.split('/')[0];
const READ = ['get', 'list', 'watch'];
const APPLY = ['get', 'create', 'patch'];

type Rule = {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
};

export const PORTAL_RULES: Rule[] = [
  {
    apiGroups: [''],
    // The Kubernetes plugin's default object types; no Secrets, no pod logs.
    resources: [
      'pods',
      'services',
      'configmaps',
      'limitranges',
      'resourcequotas',
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
  // Only the kinds whose status the Stack tab shows (not VMUser, whose spec may hold a password).
  {
    apiGroups: [OPERATOR_GROUP],
    resources: operatorPlurals().filter(p =>
      Object.values(VM_RESOURCE_PLURALS).includes(p),
    ),
    verbs: READ,
  },
];

/** The namespaces apply may write into in the local clusters (`allowedNamespaces`' default). */
export const DEFAULT_APPLY_NAMESPACES = ['monitoring'];

const ksmClusterRoles = (namespaces: string[]) =>
  namespaces.map(ns => `${KUBE_STATE_METRICS}-${ns}`);

/** Apply's rules, for the namespaces it may write into. */
export function applyRules(namespaces: string[]): Rule[] {
  return [
    // The namespace the set creates first.
    {
      apiGroups: [''],
      resources: ['namespaces'],
      verbs: APPLY,
      resourceNames: namespaces,
    },
    // Secrets are read by name before they are created (to keep a value that exists), which is
    // before their namespace exists on a fresh cluster: so this `get` is cluster-wide. Never list.
    { apiGroups: [''], resources: ['secrets'], verbs: APPLY },
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
    // Readiness: why a workload waits (its pods' scheduling messages; their claims by name).
    { apiGroups: [''], resources: ['pods'], verbs: ['list'] },
    {
      apiGroups: ['apps'],
      resources: ['deployments', 'statefulsets', 'daemonsets'],
      verbs: APPLY,
    },
    {
      apiGroups: ['policy'],
      resources: ['poddisruptionbudgets'],
      verbs: APPLY,
    },
    {
      apiGroups: ['networking.k8s.io'],
      resources: ['ingresses'],
      verbs: APPLY,
    },
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
      verbs: APPLY,
      resourceNames: ksmClusterRoles(namespaces),
    },
    {
      apiGroups: ['rbac.authorization.k8s.io'],
      resources: ['clusterroles'],
      verbs: ['bind'],
      resourceNames: ksmClusterRoles(namespaces),
    },
    // What that role grants (RBAC refuses to let apply write rules it does not hold itself).
    ...ksmRules(),
  ];
}

/** kube-state-metrics' ClusterRole rules, as the builders render them. */
function ksmRules(): Rule[] {
  const role = kubeStateMetrics({ namespace: 'monitoring', labels: {} }).find(
    o => o.kind === 'ClusterRole',
  );
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

const celList = (values: string[]) =>
  `[${values.map(v => `'${v}'`).join(', ')}]`;

/**
 * A ValidatingAdmissionPolicy (GA since 1.30) and its binding: what RBAC cannot say about apply's
 * writes, evaluated for dry runs too. Namespaced writes only in its namespaces (RBAC is
 * cluster-wide: a RoleBinding cannot exist before the namespace apply creates); kube-state-metrics'
 * binding only to that namespace's kube-state-metrics ServiceAccount; no ServiceAccount token
 * Secrets (which would mint another account's token).
 */
export function applyGuard(namespaces: string[]): Record<string, any>[] {
  const protectedHit = namespaces.filter(n => PROTECTED_NAMESPACES.includes(n));
  if (protectedHit.length)
    throw new Error(`apply may not be allowed into ${protectedHit.join(', ')}`);
  const name = `${APPLY_ACCOUNT}-guard`;
  const allowed = celList(namespaces);
  const ksmSubject = `s.kind == 'ServiceAccount' && s.name == '${KUBE_STATE_METRICS}' && has(s.namespace) && request.name == '${KUBE_STATE_METRICS}-' + s.namespace && s.namespace in ${allowed}`;
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
            expression: `!has(request.namespace) || request.namespace == '' || request.namespace in ${allowed}`,
            message: `${APPLY_ACCOUNT} may write only in the namespaces ${namespaces.join(', ')}`,
          },
          {
            expression: `request.resource.resource != 'clusterrolebindings' || object == null || (has(object.subjects) && object.subjects.all(s, ${ksmSubject}))`,
            message: `${APPLY_ACCOUNT} may bind kube-state-metrics' role only to its own ServiceAccount`,
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
export function accountObjects(
  applyNamespaces: string[] = DEFAULT_APPLY_NAMESPACES,
): Record<string, any>[] {
  const ns = BACKSTAGE_NAMESPACE;
  const objects: Record<string, any>[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
  ];
  for (const [account, rules] of [
    [PORTAL_ACCOUNT, PORTAL_RULES],
    [APPLY_ACCOUNT, applyRules(applyNamespaces)],
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
  return [...objects, ...applyGuard(applyNamespaces)];
}

export { tokenSecretName };
