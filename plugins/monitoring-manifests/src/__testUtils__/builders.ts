/** Helpers for the builder tests. */
import { buildHub } from '../builders/hub';
import { buildSpoke } from '../builders/spoke';
import { K8sObject, SecretStrategy } from '../builders/types';

export function findObject(
  objects: K8sObject[],
  kind: string,
  name?: string,
): any {
  const found = objects.find(
    o => o.kind === kind && (name === undefined || o.metadata.name === name),
  );
  if (!found)
    throw new Error(
      `no ${kind}${name ? `/${name}` : ''} among the rendered objects`,
    );
  return found;
}

export function findAll(objects: K8sObject[], kind: string): any[] {
  return objects.filter(o => o.kind === kind);
}

export function sampleHub(secretStrategy: SecretStrategy = 'kubernetes') {
  return buildHub({
    name: 'hub',
    storageClass: 'gp3',
    sharedStorageClass: 'efs',
    grafanaDomain: 'grafana.infra.example.com',
    secretStrategy,
  });
}

export function sampleSpoke(secretStrategy: SecretStrategy = 'kubernetes') {
  return buildSpoke({
    clusterName: 'dev',
    environment: 'dev',
    hubUrl: 'https://victoria-metrics.infra.example.com',
    storageClass: 'gp3',
    secretStrategy,
  });
}

/** Pod templates of core workloads: [object, pod spec]. */
export function podSpecs(objects: K8sObject[]): Array<[K8sObject, any]> {
  return objects
    .filter(o => ['Deployment', 'DaemonSet', 'StatefulSet'].includes(o.kind))
    .map(o => [o, (o as any).spec.template.spec]);
}

/** Operator component specs that run pods: [label, component spec]. */
export function operatorComponents(objects: K8sObject[]): Array<[string, any]> {
  const out: Array<[string, any]> = [];
  for (const o of objects as any[]) {
    if (o.kind === 'VMCluster') {
      for (const c of ['vminsert', 'vmselect', 'vmstorage'])
        out.push([`VMCluster.${c}`, o.spec[c]]);
    } else if (
      ['VMAgent', 'VMAuth', 'VMAlert', 'VMAlertmanager'].includes(o.kind)
    ) {
      out.push([o.kind, o.spec]);
    }
  }
  return out;
}
