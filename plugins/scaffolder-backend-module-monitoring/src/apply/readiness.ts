/** Readiness of applied objects: operator workloads report `operational`, workloads their replicas. */
import {
  OPERATOR_API_VERSION,
  K8sObject,
} from '@hubspoke/backstage-plugin-monitoring-manifests';

/** Operator kinds with a reconciled workload behind them. */
const OPERATOR_WORKLOADS = new Set([
  'VMCluster',
  'VMSingle',
  'VMAuth',
  'VMAgent',
  'VMAlert',
  'VMAlertmanager',
]);

export function needsReadiness(obj: K8sObject): boolean {
  if (obj.apiVersion === OPERATOR_API_VERSION)
    return OPERATOR_WORKLOADS.has(obj.kind);
  return (
    obj.apiVersion === 'apps/v1' &&
    ['Deployment', 'StatefulSet', 'DaemonSet'].includes(obj.kind)
  );
}

/** `undefined` when ready, else why not (for the task log / error). */
export function notReadyReason(live: Record<string, any>): string | undefined {
  const status = live.status ?? {};
  if (live.apiVersion === OPERATOR_API_VERSION) {
    // Operator >= 0.40 reports `updateStatus` for every kind; older VMCluster used `clusterStatus`.
    const state = status.updateStatus ?? status.clusterStatus;
    if (state === 'operational') return undefined;
    return `status ${state ?? 'not reported'}${status.reason ? `: ${String(status.reason).slice(0, 200)}` : ''}`;
  }
  if (live.kind === 'DaemonSet') {
    const want = status.desiredNumberScheduled;
    const ready = status.numberReady ?? 0;
    return typeof want === 'number' && ready >= want
      ? undefined
      : `${ready}/${want ?? '?'} pods ready`;
  }
  const want = live.spec?.replicas ?? 1;
  const ready = status.readyReplicas ?? 0;
  return ready >= want ? undefined : `${ready}/${want} replicas ready`;
}
