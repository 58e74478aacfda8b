/**
 * Waiting for the demo services' pods to run on the kwok nodes, and getting them there when a
 * cluster is slow: a pod that stays unscheduled, Pending or not Ready is replaced, and a timeout
 * says which pods were stuck where.
 */
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import {
  DEMO_NAMESPACE,
  DEMO_SERVICES,
  PODS_PER_SERVICE,
} from '../demoServices';
import type { KubeClient } from './kubeClient';
import { ANNOTATION_KUBERNETES_ID as KUBERNETES_ID_LABEL } from '@hubspoke/backstage-plugin-monitoring-common';

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/**
 * How long a demo pod may stay short of Running and Ready before it is replaced. A pod the
 * scheduler found no room for (kwok's nodes not yet heartbeating on a loaded machine) waits in
 * the scheduler's unschedulable queue for up to five minutes unless an event moves it; a fresh
 * pod enters the active queue at once.
 */
export const STUCK_POD_MS = 15_000;

const condition = (pod: V1Pod, type: string) =>
  pod.status?.conditions?.find(c => c.type === type);

const isReady = (pod: V1Pod) => condition(pod, 'Ready')?.status === 'True';

const isRunningReady = (pod: V1Pod) =>
  pod.status?.phase === 'Running' && isReady(pod);

/** Running, Ready demo pods by service once every service has all its replicas, else undefined. */
export function completeDemoPods(
  items: V1Pod[],
): Record<string, string[]> | undefined {
  const pods: Record<string, string[]> = {};
  for (const pod of items) {
    const service = pod.metadata?.labels?.[KUBERNETES_ID_LABEL];
    if (!service || !isRunningReady(pod) || pod.metadata?.deletionTimestamp)
      continue;
    (pods[service] ??= []).push(pod.metadata!.name!);
  }
  const complete = DEMO_SERVICES.every(
    s => (pods[s.name]?.length ?? 0) === PODS_PER_SERVICE,
  );
  if (!complete) return undefined;
  for (const names of Object.values(pods)) names.sort();
  return pods;
}

/** One line per pod that is not Running and Ready: where it is stuck, for a timeout's message. */
export function describeStuckPods(items: V1Pod[], nodes: V1Node[]): string {
  const nodeLines = nodes.map(n => {
    const ready = n.status?.conditions?.find(c => c.type === 'Ready');
    const taints = (n.spec?.taints ?? []).map(t => t.key).join(',');
    return `node ${n.metadata?.name}: Ready=${ready?.status ?? 'none'}${taints ? ` taints=${taints}` : ''}`;
  });
  const podLines = items
    .filter(p => !isRunningReady(p))
    .map(p => {
      const scheduled = condition(p, 'PodScheduled');
      const why =
        scheduled?.status === 'False'
          ? ` (${scheduled.message ?? scheduled.reason})`
          : '';
      return `pod ${p.metadata?.name}: ${p.status?.phase ?? 'no phase'}, Ready=${condition(p, 'Ready')?.status ?? 'none'}, node=${p.spec?.nodeName ?? 'none'}${p.metadata?.deletionTimestamp ? ', deleting' : ''}${why}`;
    });
  return [...nodeLines, ...podLines].join('; ');
}

/**
 * The pods to replace now: those not Running and Ready for longer than `stuckMs` of this wait
 * (`firstSeen` remembers when each was first seen so), and at once a Running pod that is not
 * Ready (its node missed heartbeats while a stopped stack was down).
 */
export function stuckPods(
  items: V1Pod[],
  firstSeen: Map<string, number>,
  now: number,
  opts: { stuckMs?: number; first?: boolean } = {},
): V1Pod[] {
  const stuckMs = opts.stuckMs ?? STUCK_POD_MS;
  const stuck: V1Pod[] = [];
  const seen = new Set<string>();
  for (const pod of items) {
    const uid = pod.metadata?.uid ?? pod.metadata?.name ?? '';
    if (isRunningReady(pod) || pod.metadata?.deletionTimestamp) continue;
    seen.add(uid);
    const since = firstSeen.get(uid) ?? now;
    firstSeen.set(uid, since);
    const staleRunning = opts.first && pod.status?.phase === 'Running';
    if (staleRunning || now - since >= stuckMs) stuck.push(pod);
  }
  for (const uid of [...firstSeen.keys()])
    if (!seen.has(uid)) firstSeen.delete(uid);
  return stuck;
}

/** Waits until every demo service runs all its replicas; returns the pods by service. */
export async function awaitDemoPods(
  client: KubeClient,
  clusterName: string,
  timeoutMs: number,
): Promise<Record<string, string[]>> {
  const deadline = Date.now() + timeoutMs;
  const firstSeen = new Map<string, number>();
  let items: V1Pod[] = [];
  for (let first = true; ; first = false) {
    try {
      items = (
        await client.core.listNamespacedPod({ namespace: DEMO_NAMESPACE })
      ).items;
      const done = completeDemoPods(items);
      if (done) return done;
      for (const pod of stuckPods(items, firstSeen, Date.now(), { first }))
        await client.core
          .deleteNamespacedPod({
            namespace: DEMO_NAMESPACE,
            name: pod.metadata!.name!,
            gracePeriodSeconds: 0,
          })
          .catch(() => undefined); // already gone: its ReplicaSet replaced it
    } catch {
      // the API server is briefly busy: the next round asks again
    }
    if (Date.now() > deadline) {
      const nodes = await client.core
        .listNode()
        .then(l => l.items)
        .catch(() => [] as V1Node[]);
      throw new Error(
        `timed out waiting for the demo pods to run in ${clusterName}: ${describeStuckPods(items, nodes)}`,
      );
    }
    await sleep(500);
  }
}
