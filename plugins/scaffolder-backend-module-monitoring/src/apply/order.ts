/**
 * Apply order: Namespaces, then what other objects reference (ServiceAccounts, Secrets and the
 * ExternalSecrets producing them, ConfigMaps, PVCs, RBAC), Services, workloads, disruption budgets
 * and ingresses, then the VictoriaMetrics operator objects (whose reconciliation reads the core
 * objects). The sort is stable: within a rank the rendered (file) order is kept.
 */
import {
  OPERATOR_API_VERSION,
  K8sObject,
} from '@hubspoke/backstage-plugin-monitoring-manifests';

const RANKS: Record<string, number> = {
  Namespace: 0,
  CustomResourceDefinition: 1,
  ServiceAccount: 2,
  Secret: 2,
  ExternalSecret: 3,
  ConfigMap: 3,
  PersistentVolumeClaim: 3,
  ClusterRole: 4,
  Role: 4,
  ClusterRoleBinding: 5,
  RoleBinding: 5,
  Service: 6,
  Deployment: 7,
  StatefulSet: 7,
  DaemonSet: 7,
  PodDisruptionBudget: 8,
  Ingress: 8,
};

/** Operator kinds: the users/rules/scrapes before the workloads that read them. */
const OPERATOR_RANKS: Record<string, number> = {
  VMUser: 10,
  VMRule: 10,
  VMServiceScrape: 10,
  VMPodScrape: 10,
  VMNodeScrape: 10,
  VMStaticScrape: 10,
  VMProbe: 10,
  VMAlertmanagerConfig: 10,
};

export function applyRank(obj: K8sObject): number {
  if (obj.apiVersion === OPERATOR_API_VERSION)
    return OPERATOR_RANKS[obj.kind] ?? 11;
  return RANKS[obj.kind] ?? 9;
}

export function orderForApply<T extends K8sObject>(objects: T[]): T[] {
  return objects
    .map((obj, index) => ({ obj, index }))
    .sort((a, b) => applyRank(a.obj) - applyRank(b.obj) || a.index - b.index)
    .map(x => x.obj);
}
