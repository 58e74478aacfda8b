/**
 * The clusters of the Kubernetes plugin's config (`kubernetes.clusterLocatorMethods`, type
 * `config`) and the portal's credentials there: the stack reads the VictoriaMetrics operator's
 * resources through them. Clusters are never declared twice.
 */
import { Config } from '@backstage/config';
import { parseDurationMs } from '@hubspoke/backstage-plugin-monitoring-common';
import { X509Certificate } from 'node:crypto';

/** One configured cluster, checked. */
export interface KubernetesClusterConfig {
  name: string;
  /** The API server's URL, as configured. */
  url: string;
  /** The portal's read-only token (`serviceAccountToken`). */
  token?: string;
  /** Only when the entry sets it: TLS is verified otherwise. */
  skipTLSVerify: boolean;
  /** `caData` as configured (base64 of the CA's PEM), checked. */
  caData?: string;
  /**
   * Why the entry cannot be used to read the cluster (a bad `caData`, no token, another auth
   * provider): reported as the cluster's error, and logged at start-up.
   */
  problem?: string;
}

const PEM_CERTIFICATE =
  /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const BASE64 = /^[A-Za-z0-9+/\s]+={0,2}\s*$/;

/**
 * Why `caData` is not a base64-encoded PEM bundle of CA certificates, or undefined when it is.
 * Every certificate of the bundle must parse.
 */
export function caDataProblem(caData: string): string | undefined {
  const invalid = 'caData is not a base64-encoded PEM certificate';
  if (!BASE64.test(caData)) return invalid;
  const pem = Buffer.from(caData, 'base64').toString('utf8');
  const certificates = pem.match(PEM_CERTIFICATE) ?? [];
  if (certificates.length === 0) return invalid;
  const parses = (certificate: string) => {
    try {
      return new X509Certificate(certificate).raw.length > 0;
    } catch {
      return false;
    }
  };
  if (!certificates.every(parses))
    return `${invalid} (a certificate in it does not parse)`;
  return undefined;
}

function problemOf(
  entry: Omit<KubernetesClusterConfig, 'problem'>,
  auth: string,
) {
  let url: URL;
  try {
    url = new URL(entry.url);
  } catch {
    return 'url is not a URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return 'url must be https (or http with skipTLSVerify)';
  if (url.protocol === 'http:' && !entry.skipTLSVerify)
    return 'a plain http url needs skipTLSVerify: true';
  if (auth !== 'serviceAccount')
    return `authProvider ${auth} is not supported here (serviceAccount only)`;
  if (!entry.token) return 'no serviceAccountToken configured';
  if (entry.caData !== undefined) return caDataProblem(entry.caData);
  return undefined;
}

/**
 * Every cluster of every `kubernetes.clusterLocatorMethods` entry of type `config`, by name (the
 * first entry of a name wins). An entry that cannot be used carries its `problem` instead of
 * failing start-up: the Kubernetes plugin owns that config.
 */
export function readKubernetesClusters(
  root: Config,
): KubernetesClusterConfig[] {
  const byName = new Map<string, KubernetesClusterConfig>();
  for (const method of root.getOptionalConfigArray(
    'kubernetes.clusterLocatorMethods',
  ) ?? []) {
    if (method.getOptionalString('type') !== 'config') continue;
    for (const cluster of method.getOptionalConfigArray('clusters') ?? []) {
      const name = cluster.getOptionalString('name');
      if (!name || byName.has(name)) continue;
      const entry = {
        name,
        url: cluster.getOptionalString('url') ?? '',
        token: cluster.getOptionalString('serviceAccountToken') || undefined,
        skipTLSVerify: cluster.getOptionalBoolean('skipTLSVerify') === true,
        caData: cluster.getOptionalString('caData') || undefined,
      };
      const problem = problemOf(
        entry,
        cluster.getOptionalString('authProvider') ?? 'serviceAccount',
      );
      byName.set(name, problem ? { ...entry, problem } : entry);
    }
  }
  return [...byName.values()];
}

/** `monitoring.stack.kubernetesTimeout`: from 100ms to 1m; default 5s. */
export const DEFAULT_KUBERNETES_TIMEOUT_MS = 5000;

/**
 * How long the stack waits for the clusters' resources (`monitoring.stack.kubernetesTimeout`,
 * given `monitoring.stack`); a value outside the grammar or the bounds fails start-up.
 */
export function readKubernetesTimeoutMs(config: Config | undefined): number {
  const raw = config?.getOptionalString('kubernetesTimeout');
  if (raw === undefined) return DEFAULT_KUBERNETES_TIMEOUT_MS;
  const ms = parseDurationMs(raw, { units: ['ms', 's', 'm'], compound: true });
  if (ms === undefined || ms < 100 || ms > 60_000) {
    throw new Error(
      'monitoring.stack.kubernetesTimeout must be a duration from 100ms to 1m, e.g. 5s or 1500ms',
    );
  }
  return ms;
}
