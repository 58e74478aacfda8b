/**
 * The series the demo exporter serves, as pure functions of the demo-services document
 * (written from demoServices.ts) and the seconds since the exporter started.
 *
 * Counters are rate x elapsed with a smooth +-10% sine over 10 minutes, integrated in closed
 * form, so they only ever grow and need no state. Plain ESM, no dependencies.
 *
 * The shapes (load integral, status shares, latency bucket shares) are exported: the local
 * stack's backfill (backfillSeries.ts) writes the past of the same series with them.
 */
import { createHash } from 'node:crypto';

const MIB = 1024 * 1024;
const VARIATION = 0.1; // +-10% ...
const PERIOD_S = 600; // ... over 10 minutes
const OMEGA = (2 * Math.PI) / PERIOD_S;
const LATENCY_SIGMA = 0.5; // log-normal: p95 = median * e^(1.645 * 0.5) ~ 2.3 x median
export const BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];
const NOT_FOUND_SHARE = { GET: 0.02, POST: 0.01 };
const SUCCESS_CODE = { GET: '200', POST: '201' };
const SERVER_ERROR_SPLIT = { 500: 0.7, 503: 0.3 };
const POST_LATENCY_FACTOR = 1.3;
const BASELINE_CPU = 0.004; // cores used when idle

/**
 * Pods by environment from the demo-services document:
 * Map<environment, [{ pod, service, namespace, routes, profile, weight, phase, podLabels }]>.
 */
export function podsByEnvironment(doc) {
  const byEnv = new Map();
  for (const service of doc.services) {
    for (const [env, profile] of Object.entries(service.environments)) {
      const list = byEnv.get(env) ?? [];
      const n = profile.pods.length;
      profile.pods.forEach((pod, i) => {
        // Pods of a service take slightly different shares of its traffic (52/48 for two).
        const skew = n > 1 ? (0.08 * (n - 1 - 2 * i)) / (2 * (n - 1)) : 0;
        const hash = createHash('sha256').update(pod).digest();
        list.push({
          pod,
          service: service.name,
          namespace: doc.namespace,
          routes: service.routes,
          profile,
          weight: (1 + skew) / n,
          phase: (hash[0] / 256) * 2 * Math.PI,
          podLabels: doc.kubePodLabels,
        });
      });
      byEnv.set(env, list);
    }
  }
  return byEnv;
}

/**
 * Integral over [0, t] of 1 + VARIATION sin(omega s + phase) with omega = 2 pi / periodS (default
 * 10 minutes): grows, since the integrand > 0.
 */
export function loadIntegral(t, phase, periodS = PERIOD_S) {
  const omega = periodS === PERIOD_S ? OMEGA : (2 * Math.PI) / periodS;
  return (
    t + (VARIATION / omega) * (Math.cos(phase) - Math.cos(omega * t + phase))
  );
}

/** Requests the pod has served since the exporter started (floored when exported). */
const podRequests = (p, t) =>
  p.profile.requestRate * p.weight * loadIntegral(t, p.phase);

/** CPU seconds: idle baseline plus a cost per request that grows with latency. */
const podCpuSeconds = (p, t) =>
  BASELINE_CPU * t +
  (0.003 + 0.005 * p.profile.medianLatencySeconds) * podRequests(p, t);

const podMemoryBytes = (p, t) =>
  p.profile.memoryMiB * MIB * (1 + 0.03 * Math.sin(OMEGA * t + p.phase));

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 erf, error < 1.5e-7). */
function normalCdf(z) {
  const x = Math.abs(z) / Math.SQRT2;
  const k = 1 / (1 + 0.3275911 * x);
  const a = [1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592];
  const poly = k * a.reduce((acc, c) => acc * k + c, 0);
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/**
 * Share of a route's requests at or under each bucket boundary: `[[le, share], ...]` in
 * BUCKETS order, then `['+Inf', 1]` (log-normal around the profile's median, slower for POST).
 */
export function bucketShares(method, medianLatencySeconds) {
  const factor = method === 'POST' ? POST_LATENCY_FACTOR : 1;
  const median = medianLatencySeconds * factor;
  return [
    ...BUCKETS.map(le => [
      String(le),
      normalCdf((Math.log(le) - Math.log(median)) / LATENCY_SIGMA),
    ]),
    ['+Inf', 1],
  ];
}

// --- exposition format -----------------------------------------------------------------

const escapeValue = v =>
  String(v).replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const fmt = v =>
  Number.isInteger(v) ? String(v) : String(Number(v.toFixed(6)));

class Exposition {
  lines = [];
  family(name, type, help) {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    return this;
  }
  sample(name, labels, value) {
    const ls = Object.entries(labels)
      .map(([k, v]) => `${k}="${escapeValue(v)}"`)
      .join(',');
    this.lines.push(`${name}${ls ? `{${ls}}` : ''} ${fmt(value)}`);
    return this;
  }
  toString() {
    return `${this.lines.join('\n')}\n`;
  }
}

// --- the three endpoints ---------------------------------------------------------------

/** Share of a route's requests per status code: `{ code: share }`, summing to 1. */
export function statusShares(method, errorRatio) {
  const notFound = NOT_FOUND_SHARE[method] ?? 0;
  const ok = 1 - errorRatio;
  return {
    [SUCCESS_CODE[method] ?? '200']: ok * (1 - notFound),
    404: ok * notFound,
    ...Object.fromEntries(
      Object.entries(SERVER_ERROR_SPLIT).map(([c, s]) => [c, errorRatio * s]),
    ),
  };
}

/** One pod's own series: no service/namespace/pod labels (relabeling adds them). */
export function podMetrics(p, t, startedAt) {
  const out = new Exposition();
  const total = podRequests(p, t);
  const http = 'http_request_duration_seconds';
  out.family('http_requests_total', 'counter', 'HTTP requests served.');
  for (const r of p.routes) {
    const shares = statusShares(r.method, p.profile.errorRatio);
    for (const [code, share] of Object.entries(shares)) {
      const labels = { method: r.method, code, route: r.route };
      out.sample(
        'http_requests_total',
        labels,
        Math.floor(total * r.share * share),
      );
    }
  }
  out.family(http, 'histogram', 'HTTP request latency in seconds.');
  for (const r of p.routes) {
    const count = total * r.share;
    const labels = { method: r.method, route: r.route };
    for (const [le, share] of bucketShares(
      r.method,
      p.profile.medianLatencySeconds,
    )) {
      out.sample(
        `${http}_bucket`,
        { ...labels, le },
        Math.floor(count * share),
      );
    }
    const factor = r.method === 'POST' ? POST_LATENCY_FACTOR : 1;
    const median = p.profile.medianLatencySeconds * factor;
    const mean = median * Math.exp((LATENCY_SIGMA * LATENCY_SIGMA) / 2);
    out.sample(`${http}_sum`, labels, count * mean);
    out.sample(`${http}_count`, labels, Math.floor(count));
  }
  return out
    .family('process_cpu_seconds_total', 'counter', 'CPU time in seconds.')
    .sample('process_cpu_seconds_total', {}, podCpuSeconds(p, t))
    .family('process_resident_memory_bytes', 'gauge', 'Resident memory.')
    .sample(
      'process_resident_memory_bytes',
      {},
      Math.round(podMemoryBytes(p, t) * 0.9),
    )
    .family('process_start_time_seconds', 'gauge', 'Start time, unix seconds.')
    .sample('process_start_time_seconds', {}, Math.floor(startedAt))
    .toString();
}

/** cAdvisor's container series for every pod (plus the pod-level `container=""` one). */
export function cadvisorMetrics(pods, t) {
  const out = new Exposition();
  const series = p => [
    { namespace: p.namespace, pod: p.pod, container: p.service },
    { namespace: p.namespace, pod: p.pod, container: '' },
  ];
  const cpu = 'container_cpu_usage_seconds_total';
  const mem = 'container_memory_working_set_bytes';
  out.family(cpu, 'counter', 'Cumulative cpu time consumed in seconds.');
  for (const p of pods) {
    for (const l of series(p)) out.sample(cpu, l, podCpuSeconds(p, t) * 1.05);
  }
  out.family(mem, 'gauge', 'Current working set in bytes.');
  for (const p of pods) {
    for (const l of series(p))
      out.sample(mem, l, Math.round(podMemoryBytes(p, t)));
  }
  return out.toString();
}

/** kube-state-metrics' `kube_pod_labels`, with the allow-listed pod labels named by the contract. */
export function kubeStateMetrics(pods) {
  const out = new Exposition();
  out.family(
    'kube_pod_labels',
    'gauge',
    'Kubernetes labels converted to Prometheus labels.',
  );
  for (const p of pods) {
    const labels = { namespace: p.namespace, pod: p.pod };
    for (const name of p.podLabels) labels[name] = p.service;
    out.sample('kube_pod_labels', labels, 1);
  }
  return out.toString();
}
