/**
 * What one `monitoring:apply` run applies where: the rendered folder to its cluster and, for a
 * spoke, the `hub-side/` folder to the hub cluster, each with the Secrets the `kubernetes`
 * strategy creates there.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { KubernetesObjectApi } from '@kubernetes/client-node';
import { K8sObject, SecretRequirement } from '../builders/types';
import { validateObjects } from '../validation';
import { Applier } from './applier';
import { ClusterTarget } from './cluster';
import { loadManifests } from './load';
import { RenderSeal } from './seal';
import { orderForApply } from './order';
import {
  PlacedRequirement,
  ProvidedValues,
  parseSecretRequirements,
  resolveSecretValues,
  secretObject,
} from './secrets';

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
  /**
   * Whether the clusters may be asked (live Secrets read); false in a scaffolder dry-run, where
   * passwords are generated in memory and never used.
   */
  live: boolean;
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
  const target = await loadManifests(o.workspacePath, o.path, o.seal, '', [
    o.hubSideDir,
  ]);
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

  const loaded = await Promise.all(
    sides.map(async s => ({
      ...s,
      applier: applierFor(s.target),
      objects:
        s.dir === o.path
          ? targetObjects
          : (
              await loadManifests(o.workspacePath, s.dir, o.seal, o.hubSideDir)
            ).objects.map(l => l.obj),
    })),
  );

  // Nothing is asked of a cluster unless every rendered object is valid.
  validateObjects(loaded.flatMap(s => s.objects));

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
