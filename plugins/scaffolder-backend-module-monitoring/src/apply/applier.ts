/**
 * The steps of `monitoring:apply` on a loaded set: server dry-run of everything, server-side apply
 * of each object (checkpointed), and the readiness wait.
 */
import { createHash } from 'node:crypto';
import { KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import { ConflictError } from '@backstage/errors';
import {
  SOURCE_ENTITY_ANNOTATION,
  objectRef,
  K8sObject,
} from '@hubspoke/backstage-plugin-monitoring-manifests';
import { isObjectNotFound, mapKubeError, missingNamespace } from './kubeErrors';
import { needsReadiness, notReadyReason } from './readiness';
import { LiveSecret, liveSecret } from './secretValues';
import { explainWait } from './waitReasons';

export type ApplyResult = 'created' | 'configured' | 'unchanged';

interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

export interface ApplierOptions {
  client: KubernetesObjectApi;
  cluster: string;
  fieldManager: string;
  force: boolean;
  logger: Logger;
}

/**
 * `apply-<cluster>-<kind>-<ns>-<name>-<hash of the object>`: a changed object is applied again on a
 * re-run. A Secret's hash leaves its values out: they must not reach the task state, even hashed.
 */
export function checkpointKey(obj: K8sObject, cluster: string): string {
  const hashed =
    obj.kind === 'Secret' && obj.apiVersion === 'v1'
      ? { ...obj, data: Object.keys((obj.data as object) ?? {}).sort() }
      : obj;
  const hash = createHash('sha256')
    .update(stableJson(hashed))
    .digest('hex')
    .slice(0, 16);
  return `apply-${cluster}-${obj.kind}-${obj.metadata.namespace ?? '_'}-${obj.metadata.name}-${hash}`;
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map(k => `${JSON.stringify(k)}:${stableJson((value as any)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Whether an apply left the object as it was: the same resourceVersion, or (when a controller
 * wrote its status in between) the same object but for its status, resourceVersion and the
 * times and status entries of its managed fields.
 */
function unchangedBy(
  before: Record<string, any>,
  after: Record<string, any>,
): boolean {
  if (before.metadata?.resourceVersion === after.metadata?.resourceVersion)
    return true;
  const content = (o: Record<string, any>) => {
    const { status: _status, ...rest } = o;
    const {
      resourceVersion: _rv,
      managedFields,
      ...metadata
    } = o.metadata ?? {};
    return stableJson({
      ...rest,
      metadata: {
        ...metadata,
        managedFields: (managedFields ?? [])
          .filter((m: { subresource?: string }) => !m.subresource)
          .map(({ time: _time, ...m }: { time?: unknown }) => m),
      },
    });
  };
  return content(before) === content(after);
}

/** `VMCluster monitoring/hub` or `Namespace monitoring`. */
export function displayRef(obj: K8sObject): string {
  const ns = obj.metadata.namespace;
  return `${obj.kind} ${ns ? `${ns}/` : ''}${obj.metadata.name}`;
}

export class Applier {
  constructor(private readonly opts: ApplierOptions) {}

  private map(err: unknown, obj: K8sObject, action: string) {
    return mapKubeError(err, obj, {
      cluster: this.opts.cluster,
      action,
      fieldManager: this.opts.fieldManager,
    });
  }

  private patch(obj: K8sObject, dryRun: boolean) {
    return this.opts.client.patch(
      structuredClone(obj) as any,
      undefined,
      dryRun ? 'All' : undefined,
      this.opts.fieldManager,
      this.opts.force,
      PatchStrategy.ServerSideApply,
    );
  }

  /**
   * Server dry-run of every object, in apply order. Objects in a namespace the set itself creates
   * cannot be dry-run before that namespace exists; they are reported and skipped. Throws on the
   * first error, before anything is applied.
   */
  async dryRunAll(
    objects: K8sObject[],
  ): Promise<{ checked: number; skipped: string[] }> {
    const created = new Set(
      objects
        .filter(o => o.kind === 'Namespace' && o.apiVersion === 'v1')
        .map(o => o.metadata.name),
    );
    const skipped: string[] = [];
    for (const obj of objects) {
      try {
        await this.patch(obj, true);
      } catch (err) {
        const ns = missingNamespace(err);
        if (ns && created.has(ns) && obj.metadata.namespace === ns) {
          skipped.push(objectRef(obj));
          continue;
        }
        throw this.map(err, obj, 'server dry-run of');
      }
    }
    if (skipped.length > 0) {
      const namespaces = [...new Set(skipped.map(r => r.split('/')[1]))];
      this.opts.logger.info(
        `Server dry-run skipped ${skipped.length} objects in namespace${namespaces.length > 1 ? 's' : ''} ${namespaces.join(', ')}, ` +
          `which this set creates (the API server checks them when they are applied, after the namespace): ` +
          `${skipped.slice(0, 5).join(', ')}${skipped.length > 5 ? `, and ${skipped.length - 5} more` : ''}`,
      );
    }
    return { checked: objects.length - skipped.length, skipped };
  }

  private async liveOf(
    obj: K8sObject,
  ): Promise<Record<string, any> | undefined> {
    try {
      return await this.opts.client.read({
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        metadata: {
          name: obj.metadata.name,
          namespace: obj.metadata.namespace,
        },
      });
    } catch (err) {
      if (isObjectNotFound(err, obj) || missingNamespace(err)) return undefined;
      throw this.map(err, obj, 'reading');
    }
  }

  /** A live Secret, or undefined when it (or its namespace) does not exist. */
  async readSecret(
    namespace: string,
    name: string,
  ): Promise<LiveSecret | undefined> {
    const ref: K8sObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace },
    };
    try {
      return liveSecret((await this.opts.client.read(ref as any)) as any);
    } catch (err) {
      if (isObjectNotFound(err, ref) || missingNamespace(err)) return undefined;
      throw this.map(err, ref, 'reading');
    }
  }

  /** Server-side apply of one object; whether it was created, changed or already as rendered. */
  async applyOne(obj: K8sObject): Promise<ApplyResult> {
    const live = await this.liveOf(obj);
    // A rule rendered for one catalog entity never replaces another entity's, forced or not.
    const owner = live?.metadata?.annotations?.[SOURCE_ENTITY_ANNOTATION];
    const mine = obj.metadata.annotations?.[SOURCE_ENTITY_ANNOTATION];
    // A live object without the annotation (the hub's own rules, or one made elsewhere) is no
    // entity's either: a service's render never replaces it.
    if (live && mine && owner !== mine) {
      throw new ConflictError(
        `${displayRef(obj)} in cluster ${this.opts.cluster} belongs to ${owner ? owner.slice(0, 200) : 'no catalog entity (the hub or another tool made it)'}, not ${mine.slice(0, 200)}: ` +
          'choose another ruleName',
      );
    }
    let applied: Record<string, any>;
    try {
      applied = (await this.patch(obj, false)) as Record<string, any>;
    } catch (err) {
      throw this.map(err, obj, 'applying');
    }
    if (!live) return 'created';
    return unchangedBy(live, applied) ? 'unchanged' : 'configured';
  }

  /** Why the object is not ready (with what stands in its way), or undefined when it is. */
  private async notReady(obj: K8sObject): Promise<string | undefined> {
    let live: Record<string, any>;
    try {
      live = (await this.opts.client.read({
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        metadata: {
          name: obj.metadata.name,
          namespace: obj.metadata.namespace,
        },
      })) as Record<string, any>;
    } catch (err) {
      return this.map(err, obj, 'reading').message;
    }
    const reason = notReadyReason(live);
    if (!reason) return undefined;
    const findings = await explainWait(this.opts.client, live);
    return [reason, ...findings].join('; ');
  }

  /**
   * Polls the objects that report readiness until all are ready or `timeoutMs` passed, logging
   * each object's reason whenever it changes; returns the objects still not ready (with why).
   */
  async waitReady(
    objects: K8sObject[],
    timeoutMs: number,
    interval: { initialMs: number; maxMs: number },
  ): Promise<string[]> {
    let pending = objects.filter(needsReadiness);
    const reasons = new Map<K8sObject, string>();
    const deadline = Date.now() + timeoutMs;
    let delay = interval.initialMs;
    for (;;) {
      const still: K8sObject[] = [];
      for (const obj of pending) {
        const reason = await this.notReady(obj);
        if (reason) {
          still.push(obj);
          if (reasons.get(obj) !== reason)
            this.opts.logger.info(`waiting for ${displayRef(obj)}: ${reason}`);
          reasons.set(obj, reason);
        } else {
          this.opts.logger.info(`ready ${displayRef(obj)}`);
        }
      }
      pending = still;
      if (pending.length === 0) return [];
      const left = deadline - Date.now();
      if (left <= 0)
        return pending.map(o => `${objectRef(o)} (${reasons.get(o)})`);
      this.opts.logger.info(
        `waiting for ${pending.length} objects to become ready: ${pending.map(objectRef).join(', ')}`,
      );
      const wait = Math.min(delay, left);
      await new Promise(resolve => setTimeout(resolve, wait));
      delay = Math.min(delay * 2, interval.maxMs);
    }
  }
}
