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
/** A branch name git accepts, without the forms that could mean something else. */
const SAFE_REF = /^(?!-)(?!.*\.\.)(?!.*\.lock$)[A-Za-z0-9._\-/]{1,200}$/;

/**
 * Where a component's catalog descriptor lives (a GitHub or Gitea repository), for a pull request
 * that changes it.
 *
 * @public
 */
export interface DescriptorLocation {
  /** The file's URL, for the built-in fetch:plain:file action. */
  url: string;
  /** Where the repository is hosted: the pull request action to use. */
  provider: 'github' | 'gitea';
  /** The repository, in the form of Backstage's `repoUrl` inputs. */
  repoUrl: string;
  /** The branch the descriptor is read from: the pull request's target. */
  branch: string;
  /** The file's path in the repository. */
  path: string;
}

/**
 * A Gitea server of `integrations.gitea`: `host` as a `repoUrl` names it, `baseUrl` as its
 * file URLs start.
 *
 * @public
 */
export interface GiteaHost {
  /** The host as a `repoUrl` names it (`integrations.gitea[].host`), e.g. `gitea.example.com`. */
  host: string;
  /** Where its pages are (`integrations.gitea[].baseUrl`), e.g. `https://gitea.example.com`. */
  baseUrl: string;
}

/** Percent-decoded, or '' (refused) when it is not valid percent-encoding. */
function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return '';
  }
}

/** `<owner>/<repo>/src/branch/<branch>/<path>` after a Gitea's base URL. */
const GITEA_FILE_PATH =
  /^([A-Za-z0-9_.-]{1,40})\/([A-Za-z0-9_.-]{1,100})\/src\/branch\/([^/?#]+)\/([^?#]+)$/;

function giteaLocation(
  url: string,
  giteaHosts: readonly GiteaHost[],
): DescriptorLocation | undefined {
  for (const { host, baseUrl } of giteaHosts) {
    const base = `${baseUrl.replace(/\/+$/, '')}/`;
    if (!url.startsWith(base)) continue;
    const m = GITEA_FILE_PATH.exec(url.slice(base.length));
    if (!m) return undefined;
    const [, owner, repo, branch, file] = m;
    return {
      url,
      provider: 'gitea',
      repoUrl: `${host}?owner=${owner}&repo=${repo}`,
      branch: decoded(branch),
      path: decoded(file),
    };
  }
  return undefined;
}

/**
 * Where the component's descriptor is, for a pull request: a file in a github.com repository, or
 * in a repository on one of `giteaHosts` (from `integrations.gitea`). `InputError` when it is
 * registered from anywhere else.
 *
 * @public
 */
export function descriptorLocation(
  annotations: Record<string, string> | undefined,
  options: { giteaHosts?: readonly GiteaHost[] } = {},
): DescriptorLocation {
  const giteaHosts = options.giteaHosts ?? [];
  const location = annotations?.[MANAGED_BY_LOCATION] ?? '';
  const url = location.startsWith('url:') ? location.slice(4) : '';
  const m = GITHUB_FILE_URL.exec(url);
  const found: DescriptorLocation | undefined = m
    ? {
        url,
        provider: 'github',
        repoUrl: `github.com?owner=${m[1]}&repo=${m[2]}`,
        branch: m[3],
        path: decoded(m[4]),
      }
    : giteaLocation(url, giteaHosts);
  if (!found || !SAFE_PATH.test(found.path) || !SAFE_REF.test(found.branch)) {
    const gitea = giteaHosts.length
      ? ` or on a Gitea host of integrations.gitea (${giteaHosts.map(h => h.host).join(', ')})`
      : '';
    throw new InputError(
      `A pull request needs the component registered from a file in a github.com repository${gitea}; its ${MANAGED_BY_LOCATION} is ` +
        `${JSON.stringify(location.slice(0, 200)) || 'missing'}`,
    );
  }
  return found;
}

/**
 * Where the component's descriptor is, for a pull request on GitHub: {@link descriptorLocation}
 * without Gitea hosts.
 *
 * @public
 */
export function githubDescriptorLocation(
  annotations: Record<string, string> | undefined,
): DescriptorLocation {
  return descriptorLocation(annotations);
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
