/**
 * Building blocks shared by the hub and spoke builders: metadata, pod security, anti-affinity.
 */
import { OPERATOR_API_VERSION } from '../validation/crdSchemas';
import { K8sObject } from './types';

export { OPERATOR_API_VERSION };

/**
 * The server-side apply field manager of what the suite applies (`monitoring:apply`'s default),
 * so another tool's apply of the same objects shows up as a conflict, not a silent takeover.
 *
 * @public
 */
export const APPLY_FIELD_MANAGER = 'backstage-monitoring';

/**
 * Labels on every rendered object, so the apply step can find (and prune) what it owns.
 *
 * @public
 */
export function commonLabels(part: {
  hub?: string;
  cluster?: string;
}): Record<string, string> {
  return {
    'app.kubernetes.io/part-of': 'backstage-monitoring',
    'app.kubernetes.io/managed-by': 'backstage-scaffolder',
    ...(part.hub ? { 'monitoring.backstage.io/hub': part.hub } : {}),
    ...(part.cluster
      ? { 'monitoring.backstage.io/cluster': part.cluster }
      : {}),
  };
}

export function object(
  apiVersion: string,
  kind: string,
  meta: { name: string; namespace?: string; labels: Record<string, string> },
  body: Record<string, unknown>,
): K8sObject {
  return {
    apiVersion,
    kind,
    metadata: {
      name: meta.name,
      ...(meta.namespace ? { namespace: meta.namespace } : {}),
      labels: meta.labels,
    },
    ...body,
  };
}

/** "Security Architecture" -> "Layer 4: Pod Security", at pod level. */
export function podSecurityContext(uid: number) {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** "Layer 4: Pod Security", per container: read-only root FS, no privileges, no capabilities. */
export function containerSecurityContext() {
  return {
    runAsNonRoot: true,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/**
 * The operator's `securityContext` merges pod- and container-level fields and applies each
 * where it belongs; `useStrictSecurity` makes it also harden the containers it adds itself.
 */
export function operatorSecurity(uid: number) {
  return {
    useStrictSecurity: true,
    securityContext: {
      ...podSecurityContext(uid),
      ...containerSecurityContext(),
    },
  };
}

/**
 * "Network-Level HA" -> "Pod Anti-Affinity: replicas on different nodes, AZ-aware scheduling".
 * `requiredOnNode` makes "different nodes" a hard rule (vmstorage: two replicas of the same data
 * on one node would not survive a node failure); otherwise it is preferred.
 */
export function antiAffinity(
  matchLabels: Record<string, string>,
  requiredOnNode = false,
) {
  const onNode = {
    labelSelector: { matchLabels },
    topologyKey: 'kubernetes.io/hostname',
  };
  const onZone = {
    labelSelector: { matchLabels },
    topologyKey: 'topology.kubernetes.io/zone',
  };
  return {
    podAntiAffinity: {
      ...(requiredOnNode
        ? { requiredDuringSchedulingIgnoredDuringExecution: [onNode] }
        : {}),
      preferredDuringSchedulingIgnoredDuringExecution: [
        ...(requiredOnNode ? [] : [{ weight: 100, podAffinityTerm: onNode }]),
        { weight: 50, podAffinityTerm: onZone },
      ],
    },
  };
}

/** The labels the operator puts on the pods of a component (`vmstorage`, `vmagent`, ...). */
export function operatorPodLabels(component: string, instance: string) {
  return {
    'app.kubernetes.io/name': component,
    'app.kubernetes.io/instance': instance,
  };
}

/** In-cluster URL of a Service. */
export function serviceUrl(
  service: string,
  namespace: string,
  port: number,
  path = '',
): string {
  return `http://${service}.${namespace}.svc:${port}${path}`;
}

/**
 * Plain, unshared JSON copies: builders reuse label and selector objects, and a consumer that
 * edits one rendered object (or a YAML writer looking for repeated nodes) must not see it twice.
 */
export function detach<T>(objects: T[]): T[] {
  return objects.map(o => JSON.parse(JSON.stringify(o)));
}

/** A PersistentVolumeClaim template of the given size. */
export function claimTemplate(
  storageClassName: string,
  size: string,
  accessMode = 'ReadWriteOnce',
) {
  return {
    spec: {
      storageClassName,
      accessModes: [accessMode],
      resources: { requests: { storage: size } },
    },
  };
}
