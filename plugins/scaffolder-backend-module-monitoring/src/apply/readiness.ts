/**
 * Readiness of applied objects, from their status as the API server holds it: the operator's
 * objects report `updateStatus` (and `reason`), workloads their rollout; both only count once
 * their controller has observed the object's current generation (`status.observedGeneration`
 * against `metadata.generation`), so a re-applied change is not taken as ready from the old
 * status.
 */
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

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'];

export function needsReadiness(obj: K8sObject): boolean {
  if (obj.apiVersion === OPERATOR_API_VERSION)
    return OPERATOR_WORKLOADS.has(obj.kind);
  return obj.apiVersion === 'apps/v1' && WORKLOAD_KINDS.includes(obj.kind);
}

/** A status text from the cluster as one short line (no control characters). */
export function oneLine(value: unknown, max = 300): string {
  return (
    String(value)
      // eslint-disable-next-line no-control-regex -- control characters are what it removes
      .replace(/[\u0000-\u001f\u007f]+/g, ' ')
      .trim()
      .slice(0, max)
  );
}

const count = (value: unknown) => (typeof value === 'number' ? value : 0);

/** Whether the controller has not yet seen the current generation (undefined: it has). */
function unobserved(
  live: Record<string, any>,
  who: string,
): string | undefined {
  const generation = live.metadata?.generation;
  const observed = live.status?.observedGeneration;
  if (typeof generation !== 'number') return undefined;
  if (typeof observed === 'number' && observed >= generation) return undefined;
  return `${who} has not observed generation ${generation} yet${typeof observed === 'number' ? ` (status is of generation ${observed})` : ''}`;
}

function operatorReason(live: Record<string, any>): string | undefined {
  const status = live.status ?? {};
  // Operator >= 0.40 reports `updateStatus` for every kind; older VMCluster used `clusterStatus`.
  const state = status.updateStatus ?? status.clusterStatus;
  const reason = status.reason ? `: ${oneLine(status.reason, 200)}` : '';
  // An operator that reports observedGeneration: its status must be of this generation. One
  // that does not (older versions) is taken at its word.
  if (typeof status.observedGeneration === 'number') {
    const lag = unobserved(live, 'the operator');
    if (lag) return `status ${state ?? 'not reported'}${reason}; ${lag}`;
  }
  if (state === 'operational') return undefined;
  return `status ${state ?? 'not reported'}${reason}`;
}

/** `rollout: 1 updated, 0 ready, 0 available of 2 desired`, or undefined when complete. */
function rollout(
  desired: number,
  got: { updated: number; ready: number; available: number; total?: number },
  unit = '',
): string | undefined {
  const old = (got.total ?? got.updated) - got.updated;
  if (
    got.updated >= desired &&
    got.ready >= desired &&
    got.available >= desired &&
    old <= 0
  )
    return undefined;
  return (
    `rollout: ${got.updated} updated, ${got.ready} ready, ${got.available} available of ${desired} desired${unit}` +
    `${old > 0 ? `, ${old} old still running` : ''}`
  );
}

function workloadReason(live: Record<string, any>): string | undefined {
  const lag = unobserved(live, 'its controller');
  if (lag) return lag;
  const status = live.status ?? {};
  if (live.kind === 'DaemonSet') {
    const desired = count(status.desiredNumberScheduled);
    // With OnDelete, pods are replaced only when deleted: nothing to wait for but readiness.
    const onDelete = live.spec?.updateStrategy?.type === 'OnDelete';
    return rollout(
      desired,
      {
        updated: onDelete ? desired : count(status.updatedNumberScheduled),
        ready: count(status.numberReady),
        available: count(status.numberAvailable),
      },
      ' pods',
    );
  }
  const desired =
    typeof live.spec?.replicas === 'number' ? live.spec.replicas : 1;
  const ready = count(status.readyReplicas);
  if (live.kind === 'StatefulSet') {
    // With OnDelete, pods are replaced only when deleted: nothing to wait for but readiness.
    const onDelete = live.spec?.updateStrategy?.type === 'OnDelete';
    const partition = count(
      live.spec?.updateStrategy?.rollingUpdate?.partition,
    );
    return rollout(desired, {
      updated: onDelete
        ? desired
        : count(status.updatedReplicas) + Math.min(partition, desired),
      ready,
      available:
        typeof status.availableReplicas === 'number'
          ? status.availableReplicas
          : ready,
    });
  }
  return rollout(desired, {
    updated: count(status.updatedReplicas),
    ready,
    available: count(status.availableReplicas),
    total: count(status.replicas),
  });
}

/** `undefined` when ready, else why not (for the task log / error). */
export function notReadyReason(live: Record<string, any>): string | undefined {
  if (live.apiVersion === OPERATOR_API_VERSION) return operatorReason(live);
  return workloadReason(live);
}
