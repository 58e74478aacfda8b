/**
 * The demo services the demo exporter pretends to run in every environment.
 *
 * This is the one table: `stack.ts` writes it to `<dir>/config/demo-services.json` (see
 * `demoServicesDocument`) and `demo-exporter.mjs` reads that file, while the vmagent
 * scrape configs are rendered from the same pods.
 */
import { createHash } from 'node:crypto';
import {
  SERVICE_POD_LABELS,
  kubePodLabelName,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { ENVIRONMENTS, EnvironmentName } from './environments';

export const DEMO_NAMESPACE = 'shop';
export const PODS_PER_SERVICE = 2;

/** How one service behaves in one environment. */
export interface DemoProfile {
  /** Requests per second over all pods of the service. */
  requestRate: number;
  /** Share of requests answered 5xx. */
  errorRatio: number;
  /** Median request latency in seconds (latency is log-normal around it). */
  medianLatencySeconds: number;
  /** Working-set memory per pod in MiB. */
  memoryMiB: number;
}

export interface DemoRoute {
  method: 'GET' | 'POST';
  route: string;
  /** Share of the service's requests on this route (the shares of a service sum to 1). */
  share: number;
}

export interface DemoService {
  name: string;
  routes: DemoRoute[];
  profiles: Record<EnvironmentName, DemoProfile>;
}

const p = (
  requestRate: number,
  errorRatio: number,
  medianLatencyMs: number,
  memoryMiB: number,
): DemoProfile => ({
  requestRate,
  errorRatio,
  medianLatencySeconds: medianLatencyMs / 1000,
  memoryMiB,
});

export const DEMO_SERVICES: readonly DemoService[] = [
  {
    name: 'checkout',
    routes: [
      { method: 'GET', route: '/api/cart', share: 0.6 },
      { method: 'POST', route: '/api/checkout', share: 0.4 },
    ],
    profiles: {
      dev: p(2, 0.005, 80, 180),
      staging: p(8, 0.004, 75, 210),
      production: p(40, 0.003, 70, 260),
    },
  },
  {
    name: 'payments',
    routes: [
      { method: 'POST', route: '/api/payments', share: 0.7 },
      { method: 'GET', route: '/api/payments/{id}', share: 0.3 },
    ],
    profiles: {
      dev: p(1, 0.008, 110, 200),
      staging: p(5, 0.006, 100, 230),
      // Visibly unhealthy: ~20% 5xx and a slow median, so ServiceHighErrorRatio fires and
      // p95 latency is well above 0.5 s.
      production: p(25, 0.2, 600, 380),
    },
  },
  {
    name: 'inventory',
    routes: [
      { method: 'GET', route: '/api/items', share: 0.5 },
      { method: 'GET', route: '/api/items/{id}', share: 0.4 },
      { method: 'POST', route: '/api/items/{id}/reserve', share: 0.1 },
    ],
    profiles: {
      dev: p(3, 0.004, 40, 140),
      staging: p(12, 0.003, 35, 160),
      production: p(60, 0.002, 30, 220),
    },
  },
  {
    name: 'storefront',
    routes: [
      { method: 'GET', route: '/', share: 0.3 },
      { method: 'GET', route: '/products/{id}', share: 0.6 },
      { method: 'POST', route: '/api/session', share: 0.1 },
    ],
    profiles: {
      dev: p(4, 0.01, 120, 120),
      staging: p(15, 0.006, 110, 150),
      production: p(90, 0.004, 95, 300),
    },
  },
];

/**
 * How a service behaved in one environment before the stack started, for the backfill
 * (backfill.ts): it ran `before` until `startedAgoMs` before the backfill, and its profile above
 * since (the live exporter serves that one).
 */
export interface DemoIncident {
  service: string;
  environment: EnvironmentName;
  /** How long before the stack's first start (the backfill) the profile above took over. */
  startedAgoMs: number;
  /** The profile until then. */
  before: DemoProfile;
}

const DAY_MS = 86_400_000;

/**
 * The demo's past, defined once: every service x environment ran its current profile throughout,
 * except payments in production, which was healthy (staging-like ~0.5 % errors and a 100 ms
 * median) until three days before the stack started. So its error budget is exhausted and it
 * has been burning for days, while the others stay within theirs.
 */
export const DEMO_INCIDENTS: readonly DemoIncident[] = [
  {
    service: 'payments',
    environment: 'production',
    startedAgoMs: 3 * DAY_MS,
    before: p(25, 0.005, 100, 380),
  },
];

// Kubernetes' alphabet for generated name suffixes (no vowels, no look-alikes).
const K8S_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function stableSuffix(seed: string, length: number): string {
  const digest = createHash('sha256').update(seed).digest();
  let out = '';
  for (let i = 0; i < length; i++)
    out += K8S_ALPHABET[digest[i] % K8S_ALPHABET.length];
  return out;
}

/** Pod names by environment and service: the spokes' running pods, read from their clusters. */
export type DemoPodNames = Partial<
  Record<EnvironmentName, Record<string, string[]>>
>;

/**
 * The service's pods in the environment: the cluster's (so the Kubernetes tab and the metrics
 * name the same pods), else, for configs rendered without clusters, stable names of the same
 * Deployment shape `<service>-<replicaset hash>-<suffix>`.
 */
export function demoPods(
  service: string,
  environment: EnvironmentName,
  names: DemoPodNames = {},
): string[] {
  const running = names[environment]?.[service];
  if (running?.length) return running;
  const replicaSet = stableSuffix(`${service}/${environment}`, 5);
  return Array.from(
    { length: PODS_PER_SERVICE },
    (_, i) =>
      `${service}-${replicaSet}-${stableSuffix(`${service}/${environment}/${i}`, 5)}`,
  );
}

/** One pod of one service in one environment, as the scrape config and the exporter see it. */
export interface DemoPod {
  environment: EnvironmentName;
  namespace: string;
  service: string;
  pod: string;
}

export function demoPodsFor(
  environment: EnvironmentName,
  names: DemoPodNames = {},
): DemoPod[] {
  return DEMO_SERVICES.flatMap(s =>
    demoPods(s.name, environment, names).map(pod => ({
      environment,
      namespace: DEMO_NAMESPACE,
      service: s.name,
      pod,
    })),
  );
}

/** The JSON document `demo-exporter.mjs --services <file>` reads. */
export function demoServicesDocument(names: DemoPodNames = {}) {
  return {
    namespace: DEMO_NAMESPACE,
    /** kube_pod_labels label names for the allow-listed pod labels (all set to the service). */
    kubePodLabels: SERVICE_POD_LABELS.map(kubePodLabelName),
    services: DEMO_SERVICES.map(s => ({
      name: s.name,
      routes: s.routes,
      environments: Object.fromEntries(
        ENVIRONMENTS.map(env => [
          env.name,
          { ...s.profiles[env.name], pods: demoPods(s.name, env.name, names) },
        ]),
      ),
    })),
  };
}
