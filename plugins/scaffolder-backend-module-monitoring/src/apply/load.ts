/** Reads the rendered manifests of a workspace folder: only what a render action sealed. */
import fs from 'node:fs/promises';
import path from 'node:path';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { parseAllDocuments } from 'yaml';
import { KUBE_STATE_METRICS } from '../builders/exporters';
import { K8sObject } from '../builders/types';
import { KUSTOMIZATION_FILE, RENDER_META_DIR, RENDER_SEAL_FILE, RenderSeal } from './seal';

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
  ...['VMCluster', 'VMAuth', 'VMUser', 'VMAlert', 'VMAlertmanager', 'VMRule', 'VMAgent', 'VMServiceScrape', 'VMPodScrape', 'VMNodeScrape'].map(
    k => `operator.victoriametrics.com/v1beta1 ${k}`,
  ),
]);

/** The only cluster-scoped RBAC the builders make: kube-state-metrics' read access. */
const CLUSTER_RBAC_NAME = new RegExp(`^${KUBE_STATE_METRICS}-[a-z0-9]([a-z0-9-]*[a-z0-9])?$`);

function checkRenderedKind(obj: K8sObject, file: string): void {
  const kind = `${obj?.apiVersion} ${obj?.kind}`;
  if (!RENDERED_KINDS.has(kind)) {
    throw new InputError(`${file}: ${kind.slice(0, 100)} is not a kind the monitoring render actions make; apply refuses it`);
  }
  if (obj.kind.startsWith('Cluster') && !CLUSTER_RBAC_NAME.test(obj.metadata?.name ?? '')) {
    throw new InputError(`${file}: ${obj.kind} ${String(obj.metadata?.name).slice(0, 100)} is not one the render actions make`);
  }
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Every YAML document of the `*.yaml`/`*.yml` files directly in `dir` (not in sub-folders such as
 * `hub-side/`, which belong to another cluster), in file-name order, once every file is one the
 * render actions sealed (and `.monitoring/secret-requirements.json` too, when present).
 * `kustomization.yaml` is for GitOps tools and not applied.
 */
export async function loadManifests(workspacePath: string, dir: string, seal: RenderSeal): Promise<LoadedObject[]> {
  let base: string;
  try {
    base = resolveSafeChildPath(workspacePath, dir);
  } catch {
    throw new InputError(`path "${dir}" is outside the workspace`);
  }
  const stat = await fs.stat(base).catch(() => undefined);
  if (!stat?.isDirectory()) throw new InputError(`path "${dir}" is not a folder in the workspace`);
  const sealed = seal.open(await readOptional(path.join(base, RENDER_META_DIR, RENDER_SEAL_FILE)), dir);
  const names = (await fs.readdir(base, { withFileTypes: true }))
    .filter(e => e.isFile() && /\.ya?ml$/.test(e.name))
    .map(e => e.name)
    .sort();
  if (names.filter(n => n !== KUSTOMIZATION_FILE).length === 0) throw new InputError(`path "${dir}" holds no YAML manifests`);
  const meta = (await fs.readdir(path.join(base, RENDER_META_DIR)).catch(() => [] as string[]))
    .filter(n => n !== RENDER_SEAL_FILE)
    .map(n => `${RENDER_META_DIR}/${n}`);
  // Every sealed file is there, unchanged, and nothing else is.
  for (const name of [...names, ...meta]) sealed.verify(name, await fs.readFile(path.join(base, name), 'utf8'));
  const missing = [...sealed].filter(n => !names.includes(n) && !meta.includes(n));
  if (missing.length > 0) throw new InputError(`${dir}: rendered files are missing: ${missing.slice(0, 5).join(', ')}`);

  const out: LoadedObject[] = [];
  for (const name of names.filter(n => n !== KUSTOMIZATION_FILE)) {
    const file = path.posix.join(dir.split(path.sep).join('/'), name);
    const text = await fs.readFile(path.join(base, name), 'utf8');
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) {
        throw new InputError(`${file}: invalid YAML: ${doc.errors[0].message}`);
      }
      const value = doc.toJS();
      if (value === null || value === undefined) continue;
      checkRenderedKind(value as K8sObject, file);
      out.push({ obj: value as K8sObject, file });
    }
  }
  return out;
}
