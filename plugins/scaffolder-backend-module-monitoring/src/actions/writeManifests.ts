/**
 * What both render actions do after building: validate every object, then (only if all are
 * valid) write one YAML file per object into the workspace.
 */
import { constants as fsConstants } from 'node:fs';
import fs from 'node:fs/promises';
import { InputError } from '@backstage/errors';
import path from 'node:path';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { stringify } from 'yaml';
import {
  K8sObject,
  SecretRequirement,
  objectRef,
  validateObjects,
} from '@hubspoke/backstage-plugin-monitoring-manifests';
import { SECRET_REQUIREMENTS_FILE } from '../apply/load';
import {
  KUSTOMIZATION_FILE,
  RENDER_META_DIR,
  RENDER_SEAL_FILE,
  RenderSeal,
} from '../apply/seal';

/** No line folding (PromQL stays on one line), and no YAML anchors for repeated values. */
export const YAML_OPTIONS = {
  lineWidth: 0,
  aliasDuplicateObjects: false,
} as const;

/**
 * File listing the Secrets the apply step creates (names and keys, never values), in the
 * rendered folder's `.monitoring/`: not a Kubernetes object, so not among the manifests.
 */
export { SECRET_REQUIREMENTS_FILE };

export interface ManifestSet {
  /** Folder below the output path ('' for the output path itself). */
  subdir: string;
  objects: K8sObject[];
  /** The only cluster monitoring:apply may apply the set to; none: it can be published only. */
  cluster?: string;
}

export interface WriteResult {
  /** The output folder, relative to the workspace. */
  path: string;
  objectCount: number;
  /** Written manifest files, relative to the workspace, in apply order. */
  files: string[];
  /** Secrets the apply step must create (names, namespaces and keys only). */
  secrets: Array<
    Pick<SecretRequirement, 'cluster' | 'namespace' | 'name' | 'keys'>
  >;
}

interface Logger {
  info(message: string): void;
}

function fileName(index: number, obj: K8sObject): string {
  return `${String(index + 1).padStart(3, '0')}-${obj.kind.toLowerCase()}-${obj.metadata.name}.yaml`;
}

/**
 * Writes `name` in `dir` as a regular file: never through a symlink an earlier step planted
 * (a fetched repository may hold some), which would write outside the workspace.
 */
async function writeRegularFile(
  dir: string,
  name: string,
  content: string,
): Promise<void> {
  let file: string;
  try {
    file = resolveSafeChildPath(dir, name);
  } catch {
    throw new InputError(
      `${name} in the output folder leads outside the workspace`,
    );
  }
  const existing = await fs.lstat(file).catch(() => undefined);
  if (existing && !existing.isFile())
    throw new InputError(
      `${path.basename(file)} in the output folder is not a regular file`,
    );
  const handle = await fs.open(
    file,
    fsConstants.O_WRONLY |
      fsConstants.O_CREAT |
      fsConstants.O_TRUNC |
      fsConstants.O_NOFOLLOW,
    0o644,
  );
  try {
    await handle.writeFile(content, 'utf8');
  } finally {
    await handle.close();
  }
}

export async function writeManifests(opts: {
  workspacePath: string;
  outputPath: string;
  sets: ManifestSet[];
  secrets: SecretRequirement[];
  logger: Logger;
  /** Seals what is written, so apply applies only that (see apply/seal.ts). */
  seal: RenderSeal;
  /** The task whose monitoring:apply may apply the folders (bound into the seal). */
  task: string;
  /** For a service's rules: the component they belong to (bound into the seal). */
  entityRef?: string;
  /** For a service's rules: the service (and namespace) they select (bound into the seal). */
  identity?: { service: string; namespace?: string };
}): Promise<WriteResult> {
  const all = opts.sets.flatMap(s => s.objects);
  // Nothing is written unless every object is valid.
  validateObjects(all);
  opts.logger.info(`Validated ${all.length} objects`);

  const base = resolveSafeChildPath(opts.workspacePath, opts.outputPath);
  const files: string[] = [];
  for (const set of opts.sets) {
    const dir = resolveSafeChildPath(base, set.subdir || '.');
    await fs.mkdir(dir, { recursive: true });
    await fs.mkdir(resolveSafeChildPath(dir, RENDER_META_DIR), {
      recursive: true,
    });
    const written: Record<string, string> = {};
    const write = async (name: string, content: string) => {
      await writeRegularFile(dir, name, content);
      written[name] = content;
    };
    const resources: string[] = [];
    for (const [i, obj] of set.objects.entries()) {
      const name = fileName(i, obj);
      await write(name, stringify(obj, YAML_OPTIONS));
      resources.push(name);
      const rel = path
        .relative(opts.workspacePath, path.join(dir, name))
        .split(path.sep)
        .join('/');
      files.push(rel);
      opts.logger.info(`Rendered ${objectRef(obj)} -> ${rel}`);
    }
    // `kubectl apply -k`, Argo CD and Flux read the folder through this; it lists only the
    // objects, in apply order.
    await write(
      KUSTOMIZATION_FILE,
      stringify(
        {
          apiVersion: 'kustomize.config.k8s.io/v1beta1',
          kind: 'Kustomization',
          resources,
        },
        YAML_OPTIONS,
      ),
    );
    if (!set.subdir && opts.secrets.length > 0) {
      await write(
        SECRET_REQUIREMENTS_FILE,
        `${JSON.stringify(opts.secrets, null, 2)}\n`,
      );
    }
    await writeRegularFile(
      dir,
      `${RENDER_META_DIR}/${RENDER_SEAL_FILE}`,
      opts.seal.seal(set.subdir, written, {
        task: opts.task,
        cluster: set.cluster,
        entityRef: opts.entityRef,
        identity: opts.identity,
      }),
    );
  }
  if (opts.secrets.length > 0) {
    opts.logger.info(
      `The apply step must create ${opts.secrets.length} Secrets: ${opts.secrets
        .map(s => `${s.namespace}/${s.name}`)
        .join(', ')}`,
    );
  }
  return {
    path: path.relative(opts.workspacePath, base).split(path.sep).join('/'),
    objectCount: all.length,
    files,
    secrets: opts.secrets.map(({ cluster, namespace, name, keys }) => ({
      cluster,
      namespace,
      name,
      keys,
    })),
  };
}
