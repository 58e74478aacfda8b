import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import {
  DEFAULT_ENVIRONMENTS,
  DEFAULT_HEALTH_THRESHOLDS,
  FleetSource,
  HUB_RETENTION,
  PanelUnit,
  parseDurationMs,
} from '@hubspoke/backstage-plugin-monitoring-common';
import {
  BUILT_IN_PROFILES,
  PanelTemplate,
  Profiles,
  unknownPlaceholders,
} from './metrics/profiles';
import {
  KubernetesClusterConfig,
  readKubernetesClusters,
  readKubernetesTimeoutMs,
} from './stack/kubernetesClusters';

export type UpstreamAuth =
  | { type: 'basic'; username: string; password: string }
  | { type: 'bearer'; token: string };

/** An HTTP upstream: where it is, how to authenticate, how long to wait. */
export interface UpstreamConfig {
  /** Base URL without a trailing slash; may carry a path prefix. */
  baseUrl: string;
  auth?: UpstreamAuth;
  timeoutMs: number;
}

export interface AlertmanagerConfig extends UpstreamConfig {
  /** The longest silence a user may create. */
  maxSilenceMs: number;
  /** Bounds on silence writes made through the backend; more get a 429. */
  silenceWrites: SilenceWriteLimits;
}

export interface SilenceWriteLimits {
  /** Creates and expires one user may make in any 60 s (all entities together). */
  perUserPerMinute: number;
  /** Active (not expired) silences made through the portal for one service at once. */
  maxActivePerService: number;
}

/** 10 writes a minute per user; 20 active silences per service. */
export const DEFAULT_SILENCE_WRITES: SilenceWriteLimits = {
  perUserPerMinute: 10,
  maxActivePerService: 20,
};

export interface VmSelectConfig extends UpstreamConfig {
  /** e.g. `https://vmauth.hub/select/0/prometheus` */
  baseUrl: string;
  maxConcurrency: number;
  /** Queries that may wait for a free slot; more get a 503. */
  maxQueued: number;
  /** Requests one principal may have in flight on the query routes; more get a 503. */
  maxRequestsPerPrincipal: number;
}

export interface MonitoringConfig {
  vmselect: VmSelectConfig;
  /** vmalert's API; defaults to VMSelect's (which proxies it with `-vmalert.proxyURL`). */
  vmalert: UpstreamConfig;
  /** Alertmanager v2; without it alerts show no silence state and silences are refused. */
  alertmanager?: AlertmanagerConfig;
  /** Grafana, for "explore" links from panels without a dashboard annotation. */
  grafanaUrl?: string;
  /** vmui, for "open in vmui" links from the panels. */
  vmuiUrl?: string;
  environments: string[];
  profiles: Profiles;
  /** The fleet's health thresholds. */
  health: HealthThresholds;
  /** Which series the fleet reads: `auto` (the recording rules, raw series without them). */
  fleetSource: 'auto' | FleetSource;
  stack: StackThresholds;
  /** The background snapshots of the fleet and the stack. */
  snapshots: SnapshotSchedule;
  /** How long the hub keeps data (its -retentionPeriod): ranges are clamped to it. */
  retentionSeconds: number;
  /** Cluster names from `kubernetes.clusterLocatorMethods` (type `config`), shown even when silent. */
  clusters: string[];
  /** Those clusters with the portal's credentials: the stack reads their operator resources. */
  kubernetesClusters: KubernetesClusterConfig[];
  /** How long /stack waits for each cluster's resources, queueing included (`monitoring.stack.kubernetesTimeout`). */
  kubernetesTimeoutMs: number;
}

export interface SnapshotSchedule {
  refreshSeconds: number;
  maxAgeSeconds: number;
  firstWaitSeconds: number;
}

export const DEFAULT_SNAPSHOTS: SnapshotSchedule = {
  refreshSeconds: 30,
  maxAgeSeconds: 600,
  firstWaitSeconds: 15,
};

function readSnapshots(config: Config | undefined): SnapshotSchedule {
  const KEYS = {
    refreshSeconds: 'refresh',
    maxAgeSeconds: 'maxAge',
    firstWaitSeconds: 'firstWait',
  } as const;
  const seconds = (key: keyof typeof KEYS, fallback: number) =>
    config
      ? readDurationMs(config, KEYS[key], 'snapshots', fallback * 1000) / 1000
      : fallback;
  const refreshSeconds = seconds(
    'refreshSeconds',
    DEFAULT_SNAPSHOTS.refreshSeconds,
  );
  if (refreshSeconds < 5 || refreshSeconds > 600)
    throw new Error('monitoring.snapshots.refresh must be from 5s to 10m');
  const maxAgeSeconds = seconds(
    'maxAgeSeconds',
    Math.max(DEFAULT_SNAPSHOTS.maxAgeSeconds, 2 * refreshSeconds),
  );
  if (maxAgeSeconds < 2 * refreshSeconds)
    throw new Error(
      'monitoring.snapshots.maxAge must be at least twice monitoring.snapshots.refresh',
    );
  const firstWaitSeconds = seconds(
    'firstWaitSeconds',
    DEFAULT_SNAPSHOTS.firstWaitSeconds,
  );
  // A waiting request holds one of its user's in-flight slots.
  if (firstWaitSeconds < 1 || firstWaitSeconds > 60)
    throw new Error('monitoring.snapshots.firstWait must be from 1s to 1m');
  return { refreshSeconds, maxAgeSeconds, firstWaitSeconds };
}

export interface StackThresholds {
  laggingAfterSeconds: number;
  downAfterSeconds: number;
}

/**
 * A spoke scrapes every 30 s and VMSelect hides the newest 30 s (`-search.latencyOffset`), so a
 * healthy spoke's newest sample is up to a minute old: lagging past 2 minutes, down past 10.
 */
export const DEFAULT_STACK: StackThresholds = {
  laggingAfterSeconds: 120,
  downAfterSeconds: 600,
};

function readStack(config: Config | undefined): StackThresholds {
  const read = (key: string, fallback: number) =>
    config?.has(key)
      ? durationToMilliseconds(readDurationFromConfig(config, { key })) / 1000
      : fallback;
  const laggingAfterSeconds = read(
    'laggingAfter',
    DEFAULT_STACK.laggingAfterSeconds,
  );
  const downAfterSeconds = read('downAfter', DEFAULT_STACK.downAfterSeconds);
  if (!(laggingAfterSeconds > 0 && downAfterSeconds > laggingAfterSeconds)) {
    throw new Error(
      'monitoring.stack: laggingAfter must be positive and shorter than downAfter',
    );
  }
  return { laggingAfterSeconds, downAfterSeconds };
}

export interface HealthThresholds {
  errorRatio: { warning: number; critical: number };
  latencyP95Seconds: { warning: number; critical: number };
}

/**
 * Above 1 % 5xx is a warning, above 5 % critical; p95 above 0.5 s a warning, above 1 s critical:
 * the hub contract's (monitoring-common), which the hub's default service alerts derive from.
 */
export const DEFAULT_HEALTH: HealthThresholds = {
  errorRatio: { ...DEFAULT_HEALTH_THRESHOLDS.errorRatio },
  latencyP95Seconds: { ...DEFAULT_HEALTH_THRESHOLDS.latencyP95Seconds },
};

function readFleetSource(raw: string | undefined): 'auto' | FleetSource {
  const allowed = ['auto', 'recording-rules', 'raw'] as const;
  if (raw === undefined) return 'auto';
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new Error(
      `monitoring.fleet.source must be one of ${allowed.join(', ')}`,
    );
  }
  return raw as 'auto' | FleetSource;
}

function readHealth(config: Config | undefined): HealthThresholds {
  const pair = (
    key: 'errorRatio' | 'latencyP95',
    read: (c: Config, k: string) => number | undefined,
  ) => {
    const fallback =
      key === 'errorRatio'
        ? DEFAULT_HEALTH.errorRatio
        : DEFAULT_HEALTH.latencyP95Seconds;
    const c = config?.getOptionalConfig(key);
    const warning = (c && read(c, 'warning')) ?? fallback.warning;
    const critical = (c && read(c, 'critical')) ?? fallback.critical;
    if (!(warning > 0 && critical >= warning)) {
      throw new Error(
        `monitoring.health.${key}: warning must be positive and at most critical`,
      );
    }
    return { warning, critical };
  };
  return {
    errorRatio: pair('errorRatio', (c, k) => c.getOptionalNumber(k)),
    latencyP95Seconds: pair('latencyP95', (c, k) =>
      c.has(k)
        ? durationToMilliseconds(readDurationFromConfig(c, { key: k })) / 1000
        : undefined,
    ),
  };
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** The hub's retention as the hub template renders it (the hub contract's, 15d). */
const DEFAULT_RETENTION_MS = parseDurationMs(HUB_RETENTION)!;
const DEFAULT_MAX_SILENCE_MS = 24 * 3600_000;
const UNITS: PanelUnit[] = [
  'reqps',
  'ratio',
  'seconds',
  'cores',
  'bytes',
  'none',
];

function readAuth(
  config: Config | undefined,
  key: string,
): UpstreamAuth | undefined {
  if (!config) return undefined;
  const username = config.getOptionalString('username');
  const password = config.getOptionalString('password');
  const token = config.getOptionalString('token');
  if (token && (username || password)) {
    throw new Error(
      `monitoring.${key}.auth: set either username/password or token, not both`,
    );
  }
  if (token) return { type: 'bearer', token };
  if (username && password !== undefined)
    return { type: 'basic', username, password };
  if (username || password) {
    throw new Error(
      `monitoring.${key}.auth: basic auth needs both username and password`,
    );
  }
  return undefined;
}

function readBaseUrl(raw: string, key: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`monitoring.${key}.url is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`monitoring.${key}.url must be http or https`);
  }
  if (url.username || url.password) {
    // Credentials in the URL would end up in logs and error messages.
    throw new Error(
      `monitoring.${key}.url must not hold credentials; use monitoring.${key}.auth`,
    );
  }
  if (url.search || url.hash) {
    throw new Error(
      `monitoring.${key}.url must not have a query string or fragment`,
    );
  }
  return url.toString().replace(/\/+$/, '');
}

function readDurationMs(
  config: Config,
  key: string,
  where: string,
  fallback: number,
): number {
  const ms = config.has(key)
    ? durationToMilliseconds(readDurationFromConfig(config, { key }))
    : fallback;
  if (!(ms > 0)) throw new Error(`monitoring.${where}.${key} must be positive`);
  return ms;
}

function readUpstream(config: Config, key: string): UpstreamConfig {
  return {
    baseUrl: readBaseUrl(config.getString('url'), key),
    auth: readAuth(config.getOptionalConfig('auth'), key),
    timeoutMs: readDurationMs(config, 'timeout', key, DEFAULT_TIMEOUT_MS),
  };
}

function readOptionalUrl(config: Config, key: string): string | undefined {
  const raw = config.getOptionalString(`${key}.url`);
  return raw === undefined ? undefined : readBaseUrl(raw, key);
}

function readProfiles(config: Config | undefined): Profiles {
  const profiles: Profiles = { ...BUILT_IN_PROFILES };
  for (const name of config?.keys() ?? []) {
    const panels = config!
      .getConfigArray(`${name}.panels`)
      .map((p, i): PanelTemplate => {
        const where = `monitoring.profiles.${name}.panels[${i}]`;
        const unit = (p.getOptionalString('unit') ?? 'none') as PanelUnit;
        if (!UNITS.includes(unit))
          throw new Error(`${where}.unit must be one of ${UNITS.join(', ')}`);
        const query = p.getString('query');
        const unknown = unknownPlaceholders(query);
        if (unknown.length) {
          throw new Error(
            `${where}.query uses unknown placeholders: ${unknown.map(u => `$${u}`).join(', ')}`,
          );
        }
        if (!query.includes('$selector') && !query.includes('$podSelector')) {
          throw new Error(
            `${where}.query must restrict to the entity with $selector or $podSelector`,
          );
        }
        return {
          id: p.getString('id'),
          title: p.getString('title'),
          unit,
          query,
        };
      });
    if (!panels.length)
      throw new Error(`monitoring.profiles.${name} has no panels`);
    profiles[name] = panels;
  }
  return profiles;
}

function readRetentionSeconds(config: Config): number {
  const ms = config.has('retention')
    ? durationToMilliseconds(
        readDurationFromConfig(config, { key: 'retention' }),
      )
    : DEFAULT_RETENTION_MS;
  if (!(ms >= 3600_000))
    throw new Error('monitoring.retention must be at least 1h');
  return ms / 1000;
}

/** Reads and checks `monitoring.*`; a mistake fails start-up with the key named. */
export function readMonitoringConfig(root: Config): MonitoringConfig {
  const config = root.getConfig('monitoring');
  const vmselectConfig = config.getConfig('vmselect');
  const maxConcurrency =
    vmselectConfig.getOptionalNumber('maxConcurrency') ?? 8;
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1) {
    throw new Error(
      'monitoring.vmselect.maxConcurrency must be a positive integer',
    );
  }
  const positiveInteger = (key: string, fallback: number) => {
    const value = vmselectConfig.getOptionalNumber(key) ?? fallback;
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`monitoring.vmselect.${key} must be a positive integer`);
    return value;
  };
  const vmselect = {
    ...readUpstream(vmselectConfig, 'vmselect'),
    maxConcurrency,
    maxQueued: positiveInteger('maxQueued', 200),
    maxRequestsPerPrincipal: positiveInteger('maxRequestsPerPrincipal', 6),
  };
  const vmalertConfig = config.getOptionalConfig('vmalert');
  const amConfig = config.getOptionalConfig('alertmanager');
  let alertmanager: AlertmanagerConfig | undefined;
  if (amConfig) {
    const maxSilenceMs = readDurationMs(
      amConfig,
      'maxSilence',
      'alertmanager',
      DEFAULT_MAX_SILENCE_MS,
    );
    const writes = amConfig.getOptionalConfig('silenceWrites');
    const writeLimit = (key: keyof SilenceWriteLimits) => {
      const value =
        writes?.getOptionalNumber(key) ?? DEFAULT_SILENCE_WRITES[key];
      if (!Number.isInteger(value) || value < 1)
        throw new Error(
          `monitoring.alertmanager.silenceWrites.${key} must be a positive integer`,
        );
      return value;
    };
    alertmanager = {
      ...readUpstream(amConfig, 'alertmanager'),
      maxSilenceMs,
      silenceWrites: {
        perUserPerMinute: writeLimit('perUserPerMinute'),
        maxActivePerService: writeLimit('maxActivePerService'),
      },
    };
  }
  const kubernetesClusters = readKubernetesClusters(root);
  return {
    vmselect,
    vmalert: vmalertConfig
      ? readUpstream(vmalertConfig, 'vmalert')
      : {
          baseUrl: vmselect.baseUrl,
          auth: vmselect.auth,
          timeoutMs: vmselect.timeoutMs,
        },
    alertmanager,
    grafanaUrl: readOptionalUrl(config, 'grafana'),
    vmuiUrl: readOptionalUrl(config, 'vmui'),
    environments: config.getOptionalStringArray('environments') ?? [
      ...DEFAULT_ENVIRONMENTS,
    ],
    profiles: readProfiles(config.getOptionalConfig('profiles')),
    health: readHealth(config.getOptionalConfig('health')),
    fleetSource: readFleetSource(config.getOptionalString('fleet.source')),
    stack: readStack(config.getOptionalConfig('stack')),
    snapshots: readSnapshots(config.getOptionalConfig('snapshots')),
    retentionSeconds: readRetentionSeconds(config),
    clusters: kubernetesClusters.map(c => c.name),
    kubernetesClusters,
    kubernetesTimeoutMs: readKubernetesTimeoutMs(
      config.getOptionalConfig('stack'),
    ),
  };
}
