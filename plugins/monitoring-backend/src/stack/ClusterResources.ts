/**
 * The VictoriaMetrics operator's resources per cluster, read from each cluster's Kubernetes API
 * (the clusters and the portal's read-only token of the Kubernetes plugin's config), with the
 * readiness the operator reports in their status. A few clusters at once, every one within the
 * timeout counted from the request's start (time queued behind the others included); whatever
 * goes wrong with a cluster is that cluster's short error, never the page's.
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
import { setMaxListeners } from 'node:events';
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

const URL_LIKE = /\b[a-z][a-z0-9+.-]*:\/\/\S*/gi;
// IPv6 (bracketed or not), IPv4 and host:port, each with its port.
const ADDRESS_LIKE =
  /\[[0-9a-f:.]+\](?::\d+)?|(?<![\w:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![\w:])|\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?|\b[\w.-]+:\d{2,5}\b/gi;

/**
 * What to log of a failure that is not the API's answer: node-fetch's message names the request's
 * URL (`request to https://<api>/apis/...?limit=500 failed, reason: ...`), so only its reason is
 * kept, with anything URL- or address-like replaced, and the error's code.
 */
export function sanitisedCause(e: unknown): { cause: string; code?: string } {
  const message = String((e as any)?.message ?? e);
  const reason = /\breason:\s*([\s\S]*)$/.exec(message)?.[1] ?? message;
  const cause = reason
    .replace(URL_LIKE, '<url>')
    .replace(ADDRESS_LIKE, '<address>')
    .replace(/\b(getaddrinfo [A-Z_]+) \S+/g, '$1 <host>')
    .trim()
    .slice(0, 300);
  const rawCode = (e as any)?.code ?? (e as any)?.cause?.code;
  const code =
    typeof rawCode === 'string' && /^[A-Z0-9_]{1,64}$/.test(rawCode)
      ? rawCode
      : undefined;
  return { cause: cause || 'unknown', ...(code ? { code } : {}) };
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

  /**
   * Every configured cluster's resources, by name; never rejects. One deadline for the whole
   * request, started now: a cluster still queued or in flight when it passes is answered as
   * timed out (its requests aborted; a queued one is then never asked), so the answer comes
   * within the timeout whatever the number of clusters.
   */
  async readAll(): Promise<Map<string, ClusterResources>> {
    const deadline = new AbortController();
    // Each cluster listens for it while queued, and while read.
    setMaxListeners(2 * this.clusters.length + 10, deadline.signal);
    const timer = setTimeout(() => deadline.abort(), this.timeoutMs);
    try {
      const answers = await Promise.all(
        this.clusters.map(async cluster => {
          const { name, url } = cluster.config;
          const answer = await this.reads
            .get(`stack:kubernetes:v1:${name}:${url}`, () =>
              this.readBy(cluster, deadline.signal),
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
    } finally {
      clearTimeout(timer);
    }
  }

  /** One cluster's read, queued for a slot, or its timeout when `deadline` aborts first. */
  private async readBy(
    cluster: Cluster,
    deadline: AbortSignal,
  ): Promise<ClusterResources> {
    const readAt = new Date();
    let onDeadline = () => {};
    const timedOut = new Promise<ClusterResources>(resolve => {
      onDeadline = () =>
        resolve({
          readAt: readAt.toISOString(),
          resources: [],
          error: this.failed(cluster.config.name, new ClusterTimeout()),
        });
    });
    if (deadline.aborted) onDeadline();
    else deadline.addEventListener('abort', onDeadline, { once: true });
    try {
      return await Promise.race([
        timedOut,
        this.limit(() =>
          deadline.aborted ? timedOut : this.read(cluster, readAt, deadline),
        ),
      ]);
    } finally {
      deadline.removeEventListener('abort', onDeadline);
    }
  }

  private async read(
    cluster: Cluster,
    readAt: Date,
    deadline: AbortSignal,
  ): Promise<ClusterResources> {
    const { config, api } = cluster;
    if (config.problem || !api) {
      return {
        readAt: readAt.toISOString(),
        resources: [],
        error: `not read: ${config.problem ?? 'unusable configuration'}`,
      };
    }
    // This cluster's requests end with the read (or the request's deadline).
    const abort = new AbortController();
    const stop = () => abort.abort();
    deadline.addEventListener('abort', stop, { once: true });
    try {
      const lists = await Promise.allSettled(
        VM_OPERATOR_PLURALS.map(p => this.list(api, p.plural, abort.signal)),
      );
      // Past the deadline the caller has the timeout already: its aborted requests are not news.
      if (deadline.aborted)
        return { readAt: readAt.toISOString(), resources: [] };
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
    } finally {
      deadline.removeEventListener('abort', stop);
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
        : sanitisedCause(e),
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
