/** Reads the rendered manifests of a workspace folder: only what a render action sealed. */
import { constants as fsConstants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { parseAllDocuments } from 'yaml';
import {
  commonLabels,
  KUBE_STATE_METRICS,
  kubeStateMetrics,
  K8sObject,
} from '@hubspoke/backstage-plugin-monitoring-manifests';
import {
  KUSTOMIZATION_FILE,
  RENDER_META_DIR,
  RENDER_SEAL_FILE,
  RenderSeal,
} from './seal';

/** Where a render writes the Secrets apply creates (names and keys; see actions/writeManifests). */
export const SECRET_REQUIREMENTS_FILE = `${RENDER_META_DIR}/secret-requirements.json`;

export interface LoadedObject {
  obj: K8sObject;
  /** The file it came from, relative to the workspace. */
  file: string;
}

/**
 * The kinds the builders render (`apiVersion kind`): apply refuses any other, even sealed, so a
 * builder bug cannot widen what the apply token writes.
 */
export const RENDERED_KINDS = new Set([
  'v1 Namespace',
  'v1 ServiceAccount',
  'v1 Service',
  'v1 ConfigMap',
  'v1 PersistentVolumeClaim',
  'apps/v1 Deployment',
  'apps/v1 DaemonSet',
  'policy/v1 PodDisruptionBudget',
  'rbac.authorization.k8s.io/v1 ClusterRole',
  'rbac.authorization.k8s.io/v1 ClusterRoleBinding',
  'external-secrets.io/v1beta1 ExternalSecret',
  ...[
    'VMCluster',
    'VMAuth',
    'VMUser',
    'VMAlert',
    'VMAlertmanager',
    'VMRule',
    'VMAgent',
    'VMServiceScrape',
    'VMPodScrape',
    'VMNodeScrape',
  ].map(k => `operator.victoriametrics.com/v1beta1 ${k}`),
]);

/** The only cluster-scoped RBAC the builders make: kube-state-metrics' read access. */
const CLUSTER_RBAC_NAME = new RegExp(
  `^${KUBE_STATE_METRICS}-[a-z0-9]([a-z0-9-]*[a-z0-9])?$`,
);

/**
 * The ClusterRole or ClusterRoleBinding the builders make under `obj`'s name, as they make it:
 * kube-state-metrics' of the namespace its name ends in, with `obj`'s own hub and cluster label
 * values (the only parts a render's inputs choose). Undefined when no builder makes that name.
 */
function builtClusterRbac(obj: K8sObject): K8sObject | undefined {
  const name = obj.metadata?.name;
  if (typeof name !== 'string' || !CLUSTER_RBAC_NAME.test(name))
    return undefined;
  const labels: Record<string, unknown> = obj.metadata.labels ?? {};
  const label = (key: string) =>
    typeof labels[key] === 'string' ? (labels[key] as string) : undefined;
  const built = kubeStateMetrics({
    namespace: name.slice(KUBE_STATE_METRICS.length + 1),
    labels: {
      ...commonLabels({
        hub: label('monitoring.backstage.io/hub'),
        cluster: label('monitoring.backstage.io/cluster'),
      }),
      'app.kubernetes.io/name': KUBE_STATE_METRICS,
    },
  });
  return built.find(b => b.kind === obj.kind && b.metadata.name === name);
}

function checkRenderedKind(obj: K8sObject, file: string): void {
  const kind = `${obj?.apiVersion} ${obj?.kind}`;
  if (!RENDERED_KINDS.has(kind)) {
    throw new InputError(
      `${file}: ${kind.slice(0, 100)} is not a kind the monitoring render actions make; apply refuses it`,
    );
  }
  // Cluster-scoped RBAC only exactly as the builders make it - rules, roleRef, subjects and all
  // (no aggregationRule, no aggregate-to-* label) - even sealed: defence in depth.
  if (
    obj.kind.startsWith('Cluster') &&
    !isDeepStrictEqual(obj, builtClusterRbac(obj))
  ) {
    throw new InputError(
      `${file}: ${obj.kind} ${String(obj.metadata?.name).slice(0, 100)} is not one the render actions make ` +
        '(cluster-scoped RBAC is applied only with the rules, roleRef and subjects the builders give it)',
    );
  }
}

/** A regular file's bytes, never through a symlink (O_NOFOLLOW); undefined when absent. */
async function readRegular(
  file: string,
  where: string,
): Promise<Buffer | undefined> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InputError(`${where} is not a regular file`);
  }
  try {
    if (!(await handle.stat()).isFile())
      throw new InputError(`${where} is not a regular file`);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

export interface LoadedFolder {
  objects: LoadedObject[];
  /** `.monitoring/secret-requirements.json` as sealed, when the render wrote one. */
  secretRequirements?: string;
  /** For a service's rules: the component the render was for (bound into the seal). */
  entityRef?: string;
  /** For a service's rules: the service (and namespace) they select (bound into the seal). */
  identity?: { service: string; namespace?: string };
}

/**
 * Every YAML document of the sealed manifests directly in `dir`, in file-name order, once the
 * folder is exactly what a render wrote for `role` ('' for a target's set, `hub-side` for a
 * spoke's hub side): a seal of this backend's key over the whole file list, every listed file
 * there with its bytes unchanged, and nothing else in the folder but `.monitoring/` and (for a
 * target's set) `subfolders` - each file read once, the bytes verified being the bytes used.
 * `kustomization.yaml` is for GitOps tools and not applied.
 */
export async function loadManifests(
  workspacePath: string,
  dir: string,
  seal: RenderSeal,
  /** The task and cluster the seal must be bound to. */
  expect: { task: string; cluster: string },
  role = '',
  subfolders: string[] = [],
): Promise<LoadedFolder> {
  let base: string;
  try {
    base = resolveSafeChildPath(workspacePath, dir);
  } catch {
    throw new InputError(`path "${dir}" is outside the workspace`);
  }
  const stat = await fs.lstat(base).catch(() => undefined);
  if (!stat?.isDirectory())
    throw new InputError(`path "${dir}" is not a folder in the workspace`);
  const sealText = await readRegular(
    path.join(base, RENDER_META_DIR, RENDER_SEAL_FILE),
    `${dir}/${RENDER_META_DIR}/${RENDER_SEAL_FILE}`,
  );
  const sealed = seal.open(sealText?.toString('utf8'), dir, role, expect);

  const unexpected: string[] = [];
  for (const entry of await fs.readdir(base, { withFileTypes: true })) {
    if (
      entry.isDirectory() &&
      (entry.name === RENDER_META_DIR || subfolders.includes(entry.name))
    )
      continue;
    if (!(entry.isFile() && sealed.files.has(entry.name)))
      unexpected.push(entry.name);
  }
  const meta = await fs
    .lstat(path.join(base, RENDER_META_DIR))
    .catch(() => undefined);
  if (meta?.isDirectory()) {
    for (const name of await fs.readdir(path.join(base, RENDER_META_DIR))) {
      if (
        name !== RENDER_SEAL_FILE &&
        !sealed.files.has(`${RENDER_META_DIR}/${name}`)
      )
        unexpected.push(`${RENDER_META_DIR}/${name}`);
    }
  }
  if (unexpected.length > 0) {
    throw new InputError(
      `${dir}/${unexpected[0].slice(0, 100)} is not what a monitoring render action wrote (added or changed since)` +
        `${unexpected.length > 1 ? `, nor ${unexpected.length - 1} more` : ''}: monitoring:apply applies nothing else`,
    );
  }
  const contents = new Map<string, Buffer>();
  for (const name of [...sealed.files].sort()) {
    const content = await readRegular(path.join(base, name), `${dir}/${name}`);
    if (content === undefined)
      throw new InputError(
        `${dir}: rendered files are missing: ${name.slice(0, 100)}`,
      );
    sealed.verify(name, content);
    contents.set(name, content);
  }
  const manifests = [...contents.keys()].filter(
    n => !n.includes('/') && /\.ya?ml$/.test(n) && n !== KUSTOMIZATION_FILE,
  );
  if (manifests.length === 0)
    throw new InputError(`path "${dir}" holds no YAML manifests`);

  const objects: LoadedObject[] = [];
  for (const name of manifests) {
    const file = path.posix.join(dir.split(path.sep).join('/'), name);
    for (const doc of parseAllDocuments(contents.get(name)!.toString('utf8'))) {
      if (doc.errors.length > 0) {
        throw new InputError(`${file}: invalid YAML: ${doc.errors[0].message}`);
      }
      const value = doc.toJS();
      if (value === null || value === undefined) continue;
      checkRenderedKind(value as K8sObject, file);
      objects.push({ obj: value as K8sObject, file });
    }
  }
  return {
    objects,
    ...(sealed.entityRef !== undefined ? { entityRef: sealed.entityRef } : {}),
    ...(sealed.identity !== undefined ? { identity: sealed.identity } : {}),
    secretRequirements: contents
      .get(SECRET_REQUIREMENTS_FILE)
      ?.toString('utf8'),
  };
}
