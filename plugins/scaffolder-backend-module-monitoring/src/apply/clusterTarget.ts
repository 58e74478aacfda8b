/** The target cluster of `monitoring:apply`, from the Kubernetes plugin's `config` cluster locator. */
import { RootConfigService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { KubeConfig } from '@kubernetes/client-node';
import { NAMESPACE } from '@hubspoke/backstage-plugin-monitoring-manifests';

export interface ClusterTarget {
  name: string;
  url: string;
  kubeConfig: KubeConfig;
  /** The namespaces apply may write namespaced objects (and Namespaces) into there. */
  allowedNamespaces: string[];
}

/** A cluster's entry of `monitoring.apply.clusters`: apply's own credentials and lane there. */
export interface ApplyClusterConfig {
  name: string;
  /** Apply's own bearer token; undefined when the entry has none (then apply refuses the cluster). */
  serviceAccountToken?: string;
  allowedNamespaces: string[];
}

/** The namespaces of an entry without `allowedNamespaces`: the builders' default namespace. */
export const DEFAULT_ALLOWED_NAMESPACES: readonly string[] = [NAMESPACE];

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * `monitoring.apply.clusters`, checked: an `Error` (at start-up, where the action is created) for
 * a cluster listed twice, an empty `allowedNamespaces` or one that is not a namespace name. A
 * missing token is not an error here (its environment variable may be unset where apply is not
 * used): the cluster is refused when apply targets it.
 */
export function applyClusters(config: RootConfigService): ApplyClusterConfig[] {
  const entries =
    config.getOptionalConfigArray('monitoring.apply.clusters') ?? [];
  const seen = new Set<string>();
  return entries.map((c, i) => {
    const name = c.getString('name');
    const at = `monitoring.apply.clusters[${i}] (${name})`;
    if (seen.has(name))
      throw new Error(
        `monitoring.apply.clusters lists cluster "${name}" twice`,
      );
    seen.add(name);
    const allowedNamespaces = c.getOptionalStringArray('allowedNamespaces') ?? [
      ...DEFAULT_ALLOWED_NAMESPACES,
    ];
    if (allowedNamespaces.length === 0)
      throw new Error(
        `${at}.allowedNamespaces is empty: list the namespaces apply may write into (default: ${DEFAULT_ALLOWED_NAMESPACES.join(', ')})`,
      );
    const bad = allowedNamespaces.filter(n => !DNS_LABEL.test(n));
    if (bad.length > 0)
      throw new Error(
        `${at}.allowedNamespaces: "${bad[0].slice(0, 100)}" is not a namespace name (a DNS label)`,
      );
    const token = c.getOptionalString('serviceAccountToken');
    return {
      name,
      serviceAccountToken: token ? token : undefined,
      allowedNamespaces,
    };
  });
}

interface ClusterEntry {
  name: string;
  url: string;
  authProvider: string;
  serviceAccountToken?: string;
  skipTLSVerify: boolean;
  caData?: string;
}

/** The clusters of every `kubernetes.clusterLocatorMethods` entry with `type: config`. */
export function configuredClusters(config: RootConfigService): ClusterEntry[] {
  const methods =
    config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  return methods
    .filter(m => m.getOptionalString('type') === 'config')
    .flatMap(m => m.getOptionalConfigArray('clusters') ?? [])
    .map(c => ({
      name: c.getString('name'),
      url: c.getString('url'),
      authProvider: c.getOptionalString('authProvider') ?? 'serviceAccount',
      serviceAccountToken: c.getOptionalString('serviceAccountToken'),
      skipTLSVerify: c.getOptionalBoolean('skipTLSVerify') ?? false,
      caData: c.getOptionalString('caData'),
    }));
}

/** A KubeConfig for the named cluster; `InputError` when it is not configured or not usable. */
export function resolveCluster(
  config: RootConfigService,
  name: string,
): ClusterTarget {
  const clusters = configuredClusters(config);
  const entry = clusters.find(c => c.name === name);
  if (!entry) {
    const known = clusters.map(c => c.name);
    throw new InputError(
      `Unknown cluster "${name}": not in kubernetes.clusterLocatorMethods[type=config].clusters${
        known.length
          ? ` (configured: ${known.join(', ')})`
          : ' (no clusters are configured)'
      }`,
    );
  }
  if (entry.authProvider !== 'serviceAccount') {
    throw new InputError(
      `Cluster "${name}" uses authProvider "${entry.authProvider}"; monitoring:apply supports serviceAccount only`,
    );
  }
  // Apply writes Secrets and RBAC with a token of its own, never the Kubernetes plugin's: the
  // plugin's proxy uses that one on behalf of users.
  const own = applyClusters(config).find(c => c.name === name);
  const token = own?.serviceAccountToken;
  if (!own || !token) {
    throw new InputError(
      `Cluster "${name}" has no apply credentials of its own: ${
        own
          ? `its entry of monitoring.apply.clusters has no serviceAccountToken`
          : `add { name: ${name}, serviceAccountToken } to monitoring.apply.clusters`
      } (monitoring:apply never uses the serviceAccountToken of kubernetes.clusterLocatorMethods, which the Kubernetes plugin's proxy uses on behalf of users)`,
    );
  }
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [
      {
        name: entry.name,
        server: entry.url,
        skipTLSVerify: entry.skipTLSVerify,
        caData: entry.caData,
      },
    ],
    users: [{ name: 'backstage-monitoring', token }],
    contexts: [
      { name: entry.name, cluster: entry.name, user: 'backstage-monitoring' },
    ],
    currentContext: entry.name,
  });
  return {
    name: entry.name,
    url: entry.url,
    kubeConfig,
    allowedNamespaces: own.allowedNamespaces,
  };
}
