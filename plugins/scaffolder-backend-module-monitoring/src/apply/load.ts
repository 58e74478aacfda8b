/** Reads the rendered manifests of a workspace folder. */
import fs from 'node:fs/promises';
import path from 'node:path';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { parseAllDocuments } from 'yaml';
import { K8sObject } from '../builders/types';

export interface LoadedObject {
  obj: K8sObject;
  /** The file it came from, relative to the workspace. */
  file: string;
}

/**
 * Every YAML document of the `*.yaml`/`*.yml` files directly in `dir` (not in sub-folders such as
 * `hub-side/`, which belong to another cluster), in file-name order.
 */
export async function loadManifests(workspacePath: string, dir: string): Promise<LoadedObject[]> {
  let base: string;
  try {
    base = resolveSafeChildPath(workspacePath, dir);
  } catch {
    throw new InputError(`path "${dir}" is outside the workspace`);
  }
  const stat = await fs.stat(base).catch(() => undefined);
  if (!stat?.isDirectory()) throw new InputError(`path "${dir}" is not a folder in the workspace`);
  const names = (await fs.readdir(base, { withFileTypes: true }))
    .filter(e => e.isFile() && /\.ya?ml$/.test(e.name))
    .map(e => e.name)
    .sort();
  if (names.length === 0) throw new InputError(`path "${dir}" holds no YAML manifests`);
  const out: LoadedObject[] = [];
  for (const name of names) {
    const file = path.posix.join(dir.split(path.sep).join('/'), name);
    const text = await fs.readFile(path.join(base, name), 'utf8');
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) {
        throw new InputError(`${file}: invalid YAML: ${doc.errors[0].message}`);
      }
      const value = doc.toJS();
      if (value === null || value === undefined) continue;
      out.push({ obj: value as K8sObject, file });
    }
  }
  return out;
}
