/** The target cluster of `monitoring:apply`, from the Kubernetes plugin's `config` cluster locator. */
import { RootConfigService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { KubeConfig } from '@kubernetes/client-node';

export interface ClusterTarget {
  name: string;
  url: string;
  kubeConfig: KubeConfig;
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
  // Apply writes Secrets and RBAC: it may have its own, stronger token, so the Kubernetes
  // plugin's (read-only, proxied to browsers) token need not be widened.
  const applyToken = config
    .getOptionalConfigArray('monitoring.apply.clusters')
    ?.find(c => c.getString('name') === name)
    ?.getString('serviceAccountToken');
  const token = applyToken ?? entry.serviceAccountToken;
  if (!token) {
    throw new InputError(
      `Cluster "${name}" has no serviceAccountToken configured`,
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
  return { name: entry.name, url: entry.url, kubeConfig };
}
