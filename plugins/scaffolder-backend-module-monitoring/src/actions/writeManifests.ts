/**
 * What both render actions do after building: validate every object, then (only if all are
 * valid) write one YAML file per object into the workspace.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { stringify } from 'yaml';
import { K8sObject, SecretRequirement } from '../builders/types';
import { objectRef, validateObjects } from '../validation';

/** No line folding (PromQL stays on one line), and no YAML anchors for repeated values. */
export const YAML_OPTIONS = { lineWidth: 0, aliasDuplicateObjects: false } as const;

/** File listing the Secrets the apply step creates (names and keys, never values). */
export const SECRET_REQUIREMENTS_FILE = 'secret-requirements.json';

export interface ManifestSet {
  /** Folder below the output path ('' for the output path itself). */
  subdir: string;
  objects: K8sObject[];
}

export interface WriteResult {
  /** The output folder, relative to the workspace. */
  path: string;
  objectCount: number;
  /** Written manifest files, relative to the workspace, in apply order. */
  files: string[];
  /** Secrets the apply step must create (names, namespaces and keys only). */
  secrets: Array<Pick<SecretRequirement, 'cluster' | 'namespace' | 'name' | 'keys'>>;
}

interface Logger {
  info(message: string): void;
}

function fileName(index: number, obj: K8sObject): string {
  return `${String(index + 1).padStart(3, '0')}-${obj.kind.toLowerCase()}-${obj.metadata.name}.yaml`;
}

export async function writeManifests(opts: {
  workspacePath: string;
  outputPath: string;
  sets: ManifestSet[];
  secrets: SecretRequirement[];
  logger: Logger;
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
    for (const [i, obj] of set.objects.entries()) {
      const file = path.join(dir, fileName(i, obj));
      await fs.writeFile(file, stringify(obj, YAML_OPTIONS), 'utf8');
      const rel = path.relative(opts.workspacePath, file).split(path.sep).join('/');
      files.push(rel);
      opts.logger.info(`Rendered ${objectRef(obj)} -> ${rel}`);
    }
  }
  if (opts.secrets.length > 0) {
    await fs.writeFile(
      path.join(base, SECRET_REQUIREMENTS_FILE),
      `${JSON.stringify(opts.secrets, null, 2)}\n`,
      'utf8',
    );
    opts.logger.info(
      `The apply step must create ${opts.secrets.length} Secrets: ` +
        opts.secrets.map(s => `${s.namespace}/${s.name}`).join(', '),
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
