/**
 * What one `monitoring:apply` run applies where: the rendered folder to its cluster and, for a
 * spoke, the `hub-side/` folder to the hub cluster, each with the Secrets the `kubernetes`
 * strategy creates there.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { KubernetesObjectApi } from '@kubernetes/client-node';
import {
  K8sObject,
  SecretRequirement,
  SOURCE_ENTITY_ANNOTATION,
  validateObjects,
} from '@hubspoke/backstage-plugin-monitoring-manifests';
import { Applier } from './applier';
import { ClusterTarget } from './clusterTarget';
import { loadManifests } from './load';
import { RenderSeal } from './seal';
import { orderForApply } from './order';
import {
  PlacedRequirement,
  ProvidedValues,
  parseSecretRequirements,
  resolveSecretValues,
  secretObject,
} from './secretValues';

export interface ApplyTarget {
  cluster: string;
  /** The workspace folder its manifests came from. */
  dir: string;
  applier: Applier;
  /** In apply order, the created Secrets included. */
  objects: K8sObject[];
  /** How many of `objects` are Secrets created with values (never written anywhere). */
  secretCount: number;
}

interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

export interface PlanOptions {
  workspacePath: string;
  path: string;
  hubSideDir: string;
  requirementsFile: string;
  target: ClusterTarget;
  hubTarget?: ClusterTarget;
  createSecrets: boolean;
  secretValues: ProvidedValues;
  fieldManager: string;
  force: boolean;
  logger: Logger;
  /** Only folders this seal vouches for are applied. */
  seal: RenderSeal;
  /** The task applying: a seal of another task's render is refused. */
  task: string;
  /**
   * Asked, once the seals are open and before any cluster is called, whether the initiator may
   * apply each folder: to its cluster, for the entity its seal names (a service's rules) if any.
   */
  authorize(
    subjects: Array<{
      cluster: string;
      entityRef?: string;
      identity?: { service: string; namespace?: string };
    }>,
  ): Promise<void>;
  /**
   * Whether the clusters may be asked (live Secrets read); false in a scaffolder dry-run, where
   * passwords are generated in memory and never used.
   */
  live: boolean;
}

/** The cluster-scoped kinds apply may apply (see RENDERED_KINDS); every other one is namespaced. */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
]);

/**
 * How an object leaves the namespaces apply may write into (`allowed`): a namespaced object
 * elsewhere (or without a namespace, which the API server would place itself), a Namespace other
 * than an allowed one, a ClusterRoleBinding granting a service account elsewhere. Empty when it
 * stays inside.
 */
function outsideLane(obj: K8sObject, allowed: Set<string>): string[] {
  const name = String(obj.metadata?.name).slice(0, 100);
  if (obj.kind === 'Namespace')
    return allowed.has(obj.metadata.name) ? [] : [`Namespace ${name}`];
  if (obj.kind === 'ClusterRoleBinding') {
    const subjects: unknown[] = Array.isArray(obj.subjects) ? obj.subjects : [];
    return subjects
      .map(sub => (sub as { namespace?: unknown } | null)?.namespace)
      .filter(ns => ns !== undefined && !allowed.has(String(ns)))
      .map(
        ns =>
          `ClusterRoleBinding ${name} (its subject in namespace ${String(ns).slice(0, 100)})`,
      );
  }
  if (CLUSTER_SCOPED.has(obj.kind)) return [];
  const ns = obj.metadata?.namespace;
  if (typeof ns !== 'string' || ns === '')
    return [`${obj.kind} ${name} (no namespace)`];
  return allowed.has(ns) ? [] : [`${obj.kind} ${ns.slice(0, 100)}/${name}`];
}

async function isDirectory(p: string): Promise<boolean> {
  return (await fs.stat(p).catch(() => undefined))?.isDirectory() ?? false;
}

/**
 * Loads the manifests of each target, places the required Secrets (`spoke` ones in the target
 * cluster; `hub` ones in the hub cluster, or in the target when the set is a hub), and resolves
 * their values against what the clusters already hold. The hub side comes first: a spoke's
 * vmagent can only write once the hub admits it.
 */
export async function planApply(o: PlanOptions): Promise<ApplyTarget[]> {
  // The target's folder first: it reports a path outside the workspace or without manifests.
  const target = await loadManifests(
    o.workspacePath,
    o.path,
    o.seal,
    { task: o.task, cluster: o.target.name },
    '',
    [o.hubSideDir],
  );
  const targetObjects = target.objects.map(l => l.obj);
  const hubSidePath = path.posix.join(o.path, o.hubSideDir);
  const hasHubSide = await isDirectory(
    resolveSafeChildPath(o.workspacePath, hubSidePath),
  );
  if (o.hubTarget && !hasHubSide) {
    throw new InputError(
      `hubCluster is set, but "${o.path}" has no ${o.hubSideDir}/ folder (only a rendered spoke has one)`,
    );
  }
  if (hasHubSide && !o.hubTarget) {
    o.logger.info(
      `${hubSidePath}/ is not applied by this step: set hubCluster to admit the spoke on the hub in the same step`,
    );
  }

  const requirements = o.createSecrets
    ? parseSecretRequirements(
        target.secretRequirements,
        o.path,
        o.requirementsFile,
      )
    : [];
  if (requirements.length === 0 && Object.keys(o.secretValues).length > 0) {
    o.logger.info(
      `secretValues not used: ${o.path} lists no Secrets to create (external-secrets strategy, or createSecrets false)`,
    );
  }
  const secretValues = requirements.length > 0 ? o.secretValues : {};
  const spokeSide = requirements.filter(r => r.cluster === 'spoke');
  const hubSide = requirements.filter(r => r.cluster === 'hub');
  if (spokeSide.length > 0 && hubSide.length > 0 && !o.hubTarget) {
    throw new InputError(
      `${o.path} needs Secrets on both the spoke and the hub (${hubSide.map(r => `${r.namespace}/${r.name}`).join(', ')} on the hub) ` +
        'holding the same generated password: set hubCluster so both are created in this step',
    );
  }

  const applierFor = (t: ClusterTarget) =>
    new Applier({
      client: KubernetesObjectApi.makeApiClient(t.kubeConfig),
      cluster: t.name,
      fieldManager: o.fieldManager,
      force: o.force,
      logger: o.logger,
    });
  const sides: Array<{
    target: ClusterTarget;
    dir: string;
    reqs: SecretRequirement[];
  }> = [];
  if (o.hubTarget)
    sides.push({ target: o.hubTarget, dir: hubSidePath, reqs: hubSide });
  sides.push({
    target: o.target,
    dir: o.path,
    reqs: o.hubTarget ? spokeSide : requirements,
  });

  const folders = await Promise.all(
    sides.map(async s =>
      s.dir === o.path
        ? target
        : loadManifests(
            o.workspacePath,
            s.dir,
            o.seal,
            { task: o.task, cluster: s.target.name },
            o.hubSideDir,
          ),
    ),
  );
  // A service's rules hold only that entity's VMRules (so they cannot replace the hub's own).
  for (const folder of folders) {
    if (!folder.entityRef) continue;
    const foreign = folder.objects.find(
      ({ obj }) =>
        obj.kind !== 'VMRule' ||
        // Entity refs compare without case, as the catalog does.
        obj.metadata.annotations?.[SOURCE_ENTITY_ANNOTATION]?.toLowerCase() !==
          folder.entityRef!.toLowerCase(),
    );
    if (foreign) {
      throw new NotAllowedError(
        `${foreign.obj.kind} ${String(foreign.obj.metadata.name).slice(0, 100)} is not a VMRule of ${folder.entityRef}: a service's rules hold nothing else`,
      );
    }
  }
  // Who may apply what, before anything else: no cluster has been called yet.
  await o.authorize(
    sides.map((s, i) => ({
      cluster: s.target.name,
      ...(folders[i].entityRef ? { entityRef: folders[i].entityRef } : {}),
      ...(folders[i].identity ? { identity: folders[i].identity } : {}),
    })),
  );
  const loaded = sides.map((s, i) => ({
    ...s,
    applier: applierFor(s.target),
    objects:
      s.dir === o.path ? targetObjects : folders[i].objects.map(l => l.obj),
  }));

  // Nothing is asked of a cluster unless every rendered object is valid.
  validateObjects(loaded.flatMap(s => s.objects));

  // Apply stays inside its lane: in each cluster, only the namespaces its entry of
  // monitoring.apply.clusters allows, for the rendered objects and the Secrets it would create
  // alike - before any cluster is asked anything (the live Secrets below included).
  for (const s of loaded) {
    const allowed = new Set(s.target.allowedNamespaces);
    const outside = [
      ...s.objects.flatMap(obj => outsideLane(obj, allowed)),
      ...s.reqs
        .filter(r => !allowed.has(r.namespace))
        .map(
          r =>
            `Secret ${r.namespace}/${r.name} (created from ${o.requirementsFile})`,
        ),
    ];
    if (outside.length > 0) {
      throw new NotAllowedError(
        `${outside[0]} is outside the namespaces monitoring:apply may write into in cluster ${s.target.name} ` +
          `(${[...allowed].join(', ')}: monitoring.apply.clusters[].allowedNamespaces)` +
          `${outside.length > 1 ? `, and ${outside.length - 1} more: ${outside.slice(1, 6).join(', ')}${outside.length > 6 ? ', ...' : ''}` : ''}; nothing was applied`,
      );
    }
  }

  // A requirement names a Secret the rendered objects of its cluster use: its namespace is one
  // of theirs. The workspace is input, not trusted to reach elsewhere in a cluster.
  for (const s of loaded) {
    const namespaces = new Set(
      s.objects.map(obj =>
        obj.kind === 'Namespace' ? obj.metadata.name : obj.metadata.namespace,
      ),
    );
    const stray = s.reqs.filter(r => !namespaces.has(r.namespace));
    if (stray.length > 0) {
      throw new InputError(
        `${o.requirementsFile} names Secrets outside the namespaces of the objects for cluster ${s.target.name}: ${stray
          .map(r => `${r.namespace}/${r.name}`)
          .join(', ')}`,
      );
    }
  }

  // Live values first, so a re-run keeps the passwords it created the first time.
  const placed: Array<PlacedRequirement & { side: number }> = [];
  for (const [side, s] of loaded.entries()) {
    for (const requirement of s.reqs) {
      const existing = o.live
        ? await s.applier.readSecret(requirement.namespace, requirement.name)
        : undefined;
      placed.push({ requirement, cluster: s.target.name, existing, side });
    }
  }
  const values = resolveSecretValues(placed, secretValues, m =>
    o.logger.warn(m),
  );

  return loaded.map((s, side) => {
    const secrets = placed
      .map((p, i) => ({ p, v: values[i] }))
      .filter(({ p }) => p.side === side)
      .map(({ p, v }) => secretObject(p.requirement, v));
    return {
      cluster: s.target.name,
      dir: s.dir,
      applier: s.applier,
      objects: orderForApply([...s.objects, ...secrets]),
      secretCount: secrets.length,
    };
  });
}
