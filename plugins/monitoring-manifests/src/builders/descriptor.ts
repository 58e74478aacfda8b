/**
 * A component's own catalog descriptor, for a pull request that adds the monitoring
 * annotations to it: where it lives (from `backstage.io/managed-by-location`) and the file with
 * the annotations merged into the component's document, every other document, key and comment
 * kept as it was.
 */
import { InputError } from '@backstage/errors';
import { isMap, parseAllDocuments } from 'yaml';

const MANAGED_BY_LOCATION = 'backstage.io/managed-by-location';
/** `https://github.com/<owner>/<repo>/blob/<branch>/<path>` (tree too). */
const GITHUB_FILE_URL =
  /^https:\/\/github\.com\/([A-Za-z0-9-]{1,39})\/([A-Za-z0-9._-]{1,100})\/(?:blob|tree)\/([^/]+)\/(.+)$/;
const SAFE_PATH = /^(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9._\-/]+$/;

/**
 * Where a component's catalog descriptor lives on GitHub, for a pull request that changes it.
 *
 * @public
 */
export interface DescriptorLocation {
  /** The file's URL, for the built-in fetch:plain:file action. */
  url: string;
  /** The repository, in the form of Backstage's `repoUrl` inputs. */
  repoUrl: string;
  /** The branch the descriptor is read from: the pull request's target. */
  branch: string;
  /** The file's path in the repository. */
  path: string;
}

/**
 * Where the component's descriptor is, for a pull request on GitHub. `InputError` when the
 * component is not registered from a file in a GitHub repository.
 *
 * @public
 */
export function githubDescriptorLocation(
  annotations: Record<string, string> | undefined,
): DescriptorLocation {
  const location = annotations?.[MANAGED_BY_LOCATION] ?? '';
  const url = location.startsWith('url:') ? location.slice(4) : '';
  const m = GITHUB_FILE_URL.exec(url);
  if (!m || !SAFE_PATH.test(decodeURIComponent(m[4]))) {
    throw new InputError(
      `A pull request needs the component registered from a file in a github.com repository; its ${MANAGED_BY_LOCATION} is ` +
        `${JSON.stringify(location.slice(0, 200)) || 'missing'}`,
    );
  }
  const [, owner, repo, branch, path] = m;
  return {
    url,
    repoUrl: `github.com?owner=${owner}&repo=${repo}`,
    branch,
    path: decodeURIComponent(path),
  };
}

/**
 * A catalog entity by kind, namespace and name.
 *
 * @public
 */
export interface EntityName {
  kind: string;
  namespace?: string;
  name: string;
}

/**
 * The descriptor text with `annotations` set on the document of `entity` (matched by kind,
 * namespace and name, as the catalog does), all else unchanged. `InputError` when no document
 * of the file is that entity.
 *
 * @public
 */
export function mergeAnnotationsIntoDescriptor(
  text: string,
  entity: EntityName,
  annotations: Record<string, string>,
): string {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs))
    throw new InputError("the component's descriptor is empty");
  const ns = (entity.namespace ?? 'default').toLowerCase();
  const target = docs.find(doc => {
    if (doc.errors.length > 0 || !isMap(doc.contents)) return false;
    const kind = String(doc.getIn(['kind']) ?? '').toLowerCase();
    const name = String(doc.getIn(['metadata', 'name']) ?? '').toLowerCase();
    const namespace = String(
      doc.getIn(['metadata', 'namespace']) ?? 'default',
    ).toLowerCase();
    return (
      kind === entity.kind.toLowerCase() &&
      name === entity.name.toLowerCase() &&
      namespace === ns
    );
  });
  if (!target) {
    throw new InputError(
      `the component's descriptor holds no ${entity.kind} ${ns}/${entity.name}: it may have moved; re-register it`,
    );
  }
  for (const [key, value] of Object.entries(annotations)) {
    target.setIn(['metadata', 'annotations', key], value);
  }
  return docs.map(doc => doc.toString({ lineWidth: 0 })).join('');
}
