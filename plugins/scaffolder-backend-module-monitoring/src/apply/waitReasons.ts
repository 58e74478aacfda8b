/**
 * Why a workload is not ready, from the objects behind it: its Pending pods' scheduling message
 * (found by the workload's selector, the `PodScheduled=False` condition), the claims they wait
 * for that are not bound (with their storage class), and containers waiting with a reason.
 * Apply's ServiceAccount lists pods and reads claims for this; a read it may not do, or any
 * other error, leaves the explanation out rather than failing the wait.
 */
import { KubernetesObjectApi } from '@kubernetes/client-node';
import { oneLine, WORKLOAD_KINDS } from './readiness';

/** How many pods of one workload are looked at, and how many findings are reported. */
const POD_LIMIT = 50;
const MAX_FINDINGS = 3;

const LABEL = /^[A-Za-z0-9][\w.\/-]{0,316}$/;
const VALUE = /^[\w.-]{0,63}$/;

/** A label selector string from a workload's `spec.selector`; undefined if it cannot be written. */
export function selectorString(selector: unknown): string | undefined {
  const s = selector as {
    matchLabels?: Record<string, unknown>;
    matchExpressions?: Array<{
      key?: unknown;
      operator?: unknown;
      values?: unknown[];
    }>;
  };
  const parts: string[] = [];
  for (const [key, value] of Object.entries(s?.matchLabels ?? {})) {
    if (!LABEL.test(key) || !VALUE.test(String(value))) return undefined;
    parts.push(`${key}=${value}`);
  }
  for (const e of s?.matchExpressions ?? []) {
    const key = String(e.key);
    const values = (e.values ?? []).map(String);
    if (!LABEL.test(key) || !values.every(v => VALUE.test(v))) return undefined;
    if (e.operator === 'In' || e.operator === 'NotIn')
      parts.push(`${key} ${String(e.operator).toLowerCase()} (${values})`);
    else if (e.operator === 'Exists') parts.push(key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${key}`);
    else return undefined;
  }
  return parts.length > 0 ? parts.join(',') : undefined;
}

type Pod = {
  metadata?: { name?: string; deletionTimestamp?: unknown };
  spec?: {
    volumes?: Array<{ persistentVolumeClaim?: { claimName?: string } }>;
  };
  status?: {
    phase?: string;
    conditions?: Array<{ type?: string; status?: string; message?: string }>;
    containerStatuses?: Array<{
      name?: string;
      state?: { waiting?: { reason?: string } };
    }>;
  };
};

const SAFE_REASON = /^[A-Za-z]{1,64}$/;

async function claimFinding(
  client: KubernetesObjectApi,
  namespace: string,
  name: string,
): Promise<string | undefined> {
  let claim: Record<string, any>;
  try {
    claim = (await client.read({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name, namespace },
    })) as Record<string, any>;
  } catch (err) {
    return (err as { code?: number }).code === 404
      ? `claim ${namespace}/${oneLine(name, 253)} does not exist`
      : undefined;
  }
  if (claim.status?.phase === 'Bound') return undefined;
  const storageClass = claim.spec?.storageClassName;
  return `claim ${namespace}/${oneLine(name, 253)} ${
    storageClass
      ? `of storage class "${oneLine(storageClass, 253)}"`
      : 'without a storage class'
  } is not bound`;
}

/**
 * What keeps a not-ready Deployment, StatefulSet or DaemonSet from its replicas, as short
 * findings (empty when nothing stands out or it cannot be read).
 */
export async function explainWait(
  client: KubernetesObjectApi,
  live: Record<string, any>,
): Promise<string[]> {
  if (live.apiVersion !== 'apps/v1' || !WORKLOAD_KINDS.includes(live.kind))
    return [];
  const namespace: string | undefined = live.metadata?.namespace;
  const selector = selectorString(live.spec?.selector);
  if (!namespace || !selector) return [];
  let pods: Pod[];
  try {
    const list = await client.list(
      'v1',
      'Pod',
      namespace,
      undefined,
      undefined,
      undefined,
      undefined,
      selector,
      POD_LIMIT,
    );
    pods = list.items as Pod[];
  } catch {
    return [];
  }
  // Pods Pending for the same reason are reported once, with their names.
  const pending = new Map<string, string[]>();
  const waiting = new Set<string>();
  const claims = new Set<string>();
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp) continue;
    const name = oneLine(pod.metadata?.name ?? '?', 253);
    const unscheduled = pod.status?.conditions?.find(
      c => c.type === 'PodScheduled' && c.status === 'False',
    );
    if (pod.status?.phase === 'Pending' && unscheduled) {
      const message = oneLine(unscheduled.message ?? 'not scheduled');
      pending.set(message, [...(pending.get(message) ?? []), name]);
      for (const v of pod.spec?.volumes ?? []) {
        const claim = v.persistentVolumeClaim?.claimName;
        if (claim) claims.add(claim);
      }
    }
    for (const c of pod.status?.containerStatuses ?? []) {
      const reason = c.state?.waiting?.reason;
      if (reason && SAFE_REASON.test(reason) && reason !== 'ContainerCreating')
        waiting.add(
          `pod ${name}: container ${oneLine(c.name ?? '?', 63)} is waiting (${reason})`,
        );
    }
  }
  const out = [
    ...[...pending].map(([message, names]) =>
      names.length === 1
        ? `pod ${names[0]} is Pending: ${message}`
        : `${names.length} pods Pending (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', ...' : ''}): ${message}`,
    ),
    ...waiting,
  ].slice(0, MAX_FINDINGS);
  for (const claim of [...claims].slice(0, MAX_FINDINGS)) {
    const finding = await claimFinding(client, namespace, claim);
    if (finding) out.push(finding);
  }
  return out;
}
