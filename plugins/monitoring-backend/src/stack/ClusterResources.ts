/**
 * The VictoriaMetrics operator's resources per cluster, read from each cluster's Kubernetes API
 * (the clusters and the portal's read-only token of the Kubernetes plugin's config), with the
 * readiness the operator reports in their status. A few clusters at once, a timeout per
 * cluster; whatever goes wrong with a cluster is that cluster's short error, never the page's.
 * Each cluster's answer is shared by every caller for a few seconds (CacheService + coalescing).
 */
import { CacheService, LoggerService } from '@backstage/backend-plugin-api';
import {
  ApiException,
  CustomObjectsApi,
  KubeConfig,
  Observable,
} from '@kubernetes/client-node';
import {
  ClusterResources,
  VmResourceHealth,
  VmResourceKind,
  VmResourceStatus,
} from '@hubspoke/backstage-plugin-monitoring-common';
import pLimit from 'p-limit';
import { CachedRead } from '../lib/cachedRead';
import { KubernetesClusterConfig } from './kubernetesClusters';

export const RESOURCES_TTL_MS = 15_000;
/** Clusters read at once, over all callers. */
export const CLUSTER_CONCURRENCY = 4;
/** Resources of one kind listed per cluster; more are cut (`truncated`). */
export const LIST_LIMIT = 500;
export const VM_OPERATOR_GROUP = 'operator.victoriametrics.com';
export const VM_OPERATOR_VERSION = 'v1beta1';
/** The plurals read, in display order. */
export const VM_OPERATOR_PLURALS: ReadonlyArray<{
  plural: string;
  kind: VmResourceKind;
}> = [
  { plural: 'vmclusters', kind: 'VMCluster' },
  { plural: 'vmsingles', kind: 'VMSingle' },
  { plural: 'vmagents', kind: 'VMAgent' },
  { plural: 'vmauths', kind: 'VMAuth' },
  { plural: 'vmalerts', kind: 'VMAlert' },
  { plural: 'vmalertmanagers', kind: 'VMAlertmanager' },
];
const KIND_ORDER = VM_OPERATOR_PLURALS.map(p => p.kind);
const MAX_REASON = 300;

/** The grade of one resource's readiness (see `VmResourceHealth`). */
export function resourceHealth(
  updateStatus: string | null,
  generationLag: number | null,
): VmResourceHealth {
  if (updateStatus === 'failed') return 'failed';
  if (updateStatus === 'expanding') return 'progressing';
  if (generationLag !== null && generationLag > 0) return 'progressing';
  if (updateStatus === 'operational') return 'ok';
  return 'unknown';
}

const integer = (v: unknown) =>
  typeof v === 'number' && Number.isInteger(v) ? v : null;

/** One item of a list as the operator reports it. */
export function toResourceStatus(
  item: any,
  kind: VmResourceKind,
  nowMs: number,
): VmResourceStatus {
  const metadata = item?.metadata ?? {};
  const status = item?.status ?? {};
  const updateStatus =
    typeof status.updateStatus === 'string' && status.updateStatus
      ? status.updateStatus
      : null;
  const generation = integer(metadata.generation);
  const observed = integer(status.observedGeneration);
  const generationLag =
    generation !== null && observed !== null
      ? Math.max(0, generation - observed)
      : null;
  const created =
    typeof metadata.creationTimestamp === 'string'
      ? Date.parse(metadata.creationTimestamp)
      : NaN;
  const reason =
    typeof status.reason === 'string' && status.reason.trim()
      ? status.reason.trim().slice(0, MAX_REASON)
      : undefined;
  return {
    kind,
    namespace: String(metadata.namespace ?? ''),
    name: String(metadata.name ?? ''),
    updateStatus,
    ...(reason ? { reason } : {}),
    createdAt: Number.isFinite(created)
      ? new Date(created).toISOString()
      : null,
    ageSeconds: Number.isFinite(created)
      ? Math.max(0, Math.floor((nowMs - created) / 1000))
      : null,
    generationLag,
    health: resourceHealth(updateStatus, generationLag),
  };
}

class ClusterTimeout extends Error {}

interface OperatorList {
  items?: unknown[];
  metadata?: { continue?: string };
}

const TLS_CODE =
  /CERT|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|SELF_SIGNED|ERR_TLS|ERR_SSL/;
const NETWORK_CODE =
  /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|EPIPE|ECONNABORTED)$/;

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** A short, generic description of a failure: no upstream body, no address. */
export function describeFailure(e: unknown, timeoutMs: number): string {
  if (e instanceof ClusterTimeout)
    return `no answer within ${formatMs(timeoutMs)}`;
  if (e instanceof ApiException) {
    if (e.code === 401) return 'the cluster refused the token (401)';
    if (e.code === 403)
      return "forbidden (403): the portal's token may not list the operator's resources";
    if (typeof e.code === 'number' && e.code >= 100)
      return `the Kubernetes API answered ${e.code}`;
    return 'unreadable answer from the Kubernetes API';
  }
  const code = String(
    (e as any)?.code ?? (e as any)?.errno ?? (e as any)?.cause?.code ?? '',
  );
  if (TLS_CODE.test(code)) return 'TLS verification of the API server failed';
  if (NETWORK_CODE.test(code)) return 'cannot reach the Kubernetes API';
  if ((e as any)?.type === 'invalid-json' || e instanceof SyntaxError)
    return 'unreadable answer from the Kubernetes API';
  return 'cannot read the cluster';
}

interface Cluster {
  config: KubernetesClusterConfig;
  api?: CustomObjectsApi;
}

/** Reads and caches the operator resources of the configured clusters. */
export class ClusterResourcesReader {
  private readonly clusters: Cluster[];
  private readonly reads: CachedRead<ClusterResources>;
  private readonly limit = pLimit(CLUSTER_CONCURRENCY);

  constructor(
    configs: KubernetesClusterConfig[],
    cache: CacheService,
    private readonly timeoutMs: number,
    private readonly logger: LoggerService,
  ) {
    this.reads = new CachedRead(cache, RESOURCES_TTL_MS);
    this.clusters = configs.map(config => {
      if (config.problem) return { config };
      try {
        return { config, api: apiFor(config) };
      } catch {
        return { config: { ...config, problem: 'unusable configuration' } };
      }
    });
  }

  /** Every configured cluster's resources, by name; never rejects. */
  async readAll(): Promise<Map<string, ClusterResources>> {
    const answers = await Promise.all(
      this.clusters.map(async cluster => {
        const { name, url } = cluster.config;
        const answer = await this.reads
          .get(`stack:kubernetes:v1:${name}:${url}`, () =>
            this.limit(() => this.read(cluster)),
          )
          .catch(() => ({
            readAt: new Date().toISOString(),
            resources: [],
            error: 'cannot read the cluster',
          }));
        return [name, answer] as const;
      }),
    );
    return new Map(answers);
  }

  private async read(cluster: Cluster): Promise<ClusterResources> {
    const { config, api } = cluster;
    const readAt = new Date();
    if (config.problem || !api) {
      return {
        readAt: readAt.toISOString(),
        resources: [],
        error: `not read: ${config.problem ?? 'unusable configuration'}`,
      };
    }
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort();
        reject(new ClusterTimeout());
      }, this.timeoutMs);
    });
    try {
      const lists = await Promise.race([
        Promise.allSettled(
          VM_OPERATOR_PLURALS.map(p => this.list(api, p.plural, abort.signal)),
        ),
        timeout,
      ]);
      const nowMs = Date.now();
      const resources: VmResourceStatus[] = [];
      let failure: unknown;
      let truncated = false;
      lists.forEach((list, i) => {
        if (list.status === 'rejected') {
          failure ??= list.reason;
          return;
        }
        if (!list.value) return; // the CRD is not installed
        truncated ||= Boolean(list.value.metadata?.continue);
        const items = list.value.items;
        for (const item of Array.isArray(items) ? items : [])
          resources.push(
            toResourceStatus(item, VM_OPERATOR_PLURALS[i].kind, nowMs),
          );
      });
      resources.sort(
        (a, b) =>
          KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) ||
          a.namespace.localeCompare(b.namespace) ||
          a.name.localeCompare(b.name),
      );
      return {
        readAt: readAt.toISOString(),
        resources,
        ...(failure ? { error: this.failed(config.name, failure) } : {}),
        ...(truncated ? { truncated } : {}),
      };
    } catch (e) {
      return {
        readAt: readAt.toISOString(),
        resources: [],
        error: this.failed(config.name, e),
      };
    } finally {
      clearTimeout(timer);
      abort.abort();
    }
  }

  /** One plural's list; undefined when the CRD is not installed (404). */
  private async list(
    api: CustomObjectsApi,
    plural: string,
    signal: AbortSignal,
  ): Promise<OperatorList | undefined> {
    try {
      return await api.listClusterCustomObject(
        {
          group: VM_OPERATOR_GROUP,
          version: VM_OPERATOR_VERSION,
          plural,
          limit: LIST_LIMIT,
        },
        {
          middleware: [
            {
              // The client's middleware take and give its own Observable (a promise's wrapper).
              pre: context => {
                context.setSignal(signal);
                return new Observable(Promise.resolve(context));
              },
              post: context => new Observable(Promise.resolve(context)),
            },
          ],
          middlewareMergeStrategy: 'append',
        },
      );
    } catch (e) {
      if (e instanceof ApiException && e.code === 404) return undefined;
      throw e;
    }
  }

  private failed(cluster: string, e: unknown): string {
    const message = describeFailure(e, this.timeoutMs);
    this.logger.warn(
      `monitoring: could not read the VictoriaMetrics resources of cluster ${cluster}: ${message}`,
      e instanceof ApiException || e instanceof ClusterTimeout
        ? undefined
        : { cause: String((e as any)?.message ?? e).slice(0, 300) },
    );
    return message;
  }
}

/** A client for one cluster: its URL, the portal's token, its CA; TLS verified unless the entry says otherwise. */
function apiFor(config: KubernetesClusterConfig): CustomObjectsApi {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [
      {
        name: config.name,
        server: config.url.replace(/\/+$/, ''),
        skipTLSVerify: config.skipTLSVerify,
        ...(config.caData ? { caData: config.caData } : {}),
      },
    ],
    users: [{ name: 'backstage-monitoring', token: config.token }],
    contexts: [
      {
        name: config.name,
        cluster: config.name,
        user: 'backstage-monitoring',
      },
    ],
    currentContext: config.name,
  });
  return kubeConfig.makeApiClient(CustomObjectsApi);
}
