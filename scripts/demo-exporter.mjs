#!/usr/bin/env node
/**
 * Demo exporter for the local monitoring stack: pretends to be the demo services' pods, the
 * kubelet's cAdvisor and kube-state-metrics of every environment, so the queries that run on
 * loopback are the ones that run on a real spoke.
 *
 *   node scripts/demo-exporter.mjs --port 9400 [--host 127.0.0.1] --services <demo-services.json>
 *
 *   GET /metrics?environment=E&pod=P   one pod's own series (http_*, process_*); no service,
 *                                      namespace or pod labels: the scrape relabeling adds them
 *   GET /cadvisor?environment=E        container_cpu_usage_seconds_total,
 *                                      container_memory_working_set_bytes of every pod of E
 *   GET /kube-state-metrics?environment=E   kube_pod_labels of every pod of E
 *   GET /healthz
 *
 * The services file is written by scripts/stack.ts from scripts/stack/demoServices.ts (the one
 * table of services, rates, error ratios and latencies); SIGHUP re-reads it.
 *
 * Counters are pure functions of the time since this process started (rate x elapsed, with a
 * smooth +-10% sine over 10 minutes), so they only ever grow and need no state. No dependencies.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '9400' },
    host: { type: 'string', default: '127.0.0.1' },
    services: { type: 'string' },
  },
});
if (!args.services) {
  console.error(
    'usage: demo-exporter.mjs --port 9400 --services <demo-services.json>',
  );
  process.exit(2);
}

const STARTED_AT = Date.now() / 1000;
const MIB = 1024 * 1024;
const VARIATION = 0.1; // +-10% ...
const PERIOD_S = 600; // ... over 10 minutes
const LATENCY_SIGMA = 0.5; // log-normal shape: p95 = median * e^(1.645 * sigma) ~ 2.3 x median
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const NOT_FOUND_SHARE = { GET: 0.02, POST: 0.01 };
const SUCCESS_CODE = { GET: '200', POST: '201' };
const SERVER_ERROR_SPLIT = { 500: 0.7, 503: 0.3 };
const POST_LATENCY_FACTOR = 1.3;

/** pods by environment: [{ pod, service, namespace, profile, routes, weight, phase }] */
let podsByEnvironment = new Map();

function loadServices() {
  const doc = JSON.parse(readFileSync(args.services, 'utf8'));
  const next = new Map();
  for (const service of doc.services) {
    for (const [environment, profile] of Object.entries(service.environments)) {
      const list = next.get(environment) ?? [];
      const n = profile.pods.length;
      profile.pods.forEach((pod, i) => {
        // Pods of a service take slightly different shares of its traffic (52/48 for two).
        const skew = n > 1 ? (0.08 * (n - 1 - 2 * i)) / (2 * (n - 1)) : 0;
        list.push({
          pod,
          service: service.name,
          namespace: doc.namespace,
          routes: service.routes,
          profile,
          weight: (1 + skew) / n,
          phase:
            (createHash('sha256').update(pod).digest()[0] / 256) * 2 * Math.PI,
        });
      });
      next.set(environment, list);
    }
  }
  podsByEnvironment = next;
}
loadServices();

const elapsed = () => Date.now() / 1000 - STARTED_AT;

/** Load factor now: 1 +- VARIATION. */
const loadFactor = (t, phase) =>
  1 + VARIATION * Math.sin((2 * Math.PI * t) / PERIOD_S + phase);

/** Integral of the load factor from 0 to t: monotonic because the factor is always > 0. */
function loadIntegral(t, phase) {
  const w = (2 * Math.PI) / PERIOD_S;
  return t + (VARIATION / w) * (Math.cos(phase) - Math.cos(w * t + phase));
}

/** Requests the pod has served since the exporter started (a float; floored when exported). */
const podRequests = (p, t) =>
  p.profile.requestRate * p.weight * loadIntegral(t, p.phase);

/** CPU seconds per request: slower services burn a little more. */
const cpuPerRequest = p => 0.003 + 0.005 * p.profile.medianLatencySeconds;
const BASELINE_CPU = 0.004; // cores, idle

const podCpuSeconds = (p, t) =>
  BASELINE_CPU * t + cpuPerRequest(p) * podRequests(p, t);
const podMemoryBytes = (p, t) =>
  p.profile.memoryMiB *
  MIB *
  (1 + 0.03 * Math.sin((2 * Math.PI * t) / PERIOD_S + p.phase));

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 erf, error < 1.5e-7). */
function normalCdf(z) {
  const x = Math.abs(z) / Math.SQRT2;
  const k = 1 / (1 + 0.3275911 * x);
  const poly =
    k *
    (0.254829592 +
      k *
        (-0.284496736 +
          k * (1.421413741 + k * (-1.453152027 + k * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

// --- exposition format --------------------------------------------------------------------

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

// --- endpoints ------------------------------------------------------------------------------

function podMetrics(p, t) {
  const out = new Exposition();
  const total = podRequests(p, t);
  const e = p.profile.errorRatio;

  out.family(
    'http_requests_total',
    'counter',
    'HTTP requests served, by method, status code and route.',
  );
  for (const r of p.routes) {
    const routeTotal = total * r.share;
    const notFound = NOT_FOUND_SHARE[r.method] ?? 0;
    const codes = {
      [SUCCESS_CODE[r.method] ?? '200']: (1 - e) * (1 - notFound),
      404: (1 - e) * notFound,
      ...Object.fromEntries(
        Object.entries(SERVER_ERROR_SPLIT).map(([c, s]) => [c, e * s]),
      ),
    };
    for (const [code, share] of Object.entries(codes)) {
      out.sample(
        'http_requests_total',
        { method: r.method, code, route: r.route },
        Math.floor(routeTotal * share),
      );
    }
  }

  out.family(
    'http_request_duration_seconds',
    'histogram',
    'HTTP request latency in seconds.',
  );
  for (const r of p.routes) {
    const count = total * r.share;
    const median =
      p.profile.medianLatencySeconds *
      (r.method === 'POST' ? POST_LATENCY_FACTOR : 1);
    const labels = { method: r.method, route: r.route };
    for (const le of BUCKETS) {
      const share = normalCdf(
        (Math.log(le) - Math.log(median)) / LATENCY_SIGMA,
      );
      out.sample(
        'http_request_duration_seconds_bucket',
        { ...labels, le: String(le) },
        Math.floor(count * share),
      );
    }
    out.sample(
      'http_request_duration_seconds_bucket',
      { ...labels, le: '+Inf' },
      Math.floor(count),
    );
    const mean = median * Math.exp((LATENCY_SIGMA * LATENCY_SIGMA) / 2);
    out.sample('http_request_duration_seconds_sum', labels, count * mean);
    out.sample(
      'http_request_duration_seconds_count',
      labels,
      Math.floor(count),
    );
  }

  out
    .family(
      'process_cpu_seconds_total',
      'counter',
      'Total user and system CPU time spent in seconds.',
    )
    .sample('process_cpu_seconds_total', {}, podCpuSeconds(p, t))
    .family(
      'process_resident_memory_bytes',
      'gauge',
      'Resident memory size in bytes.',
    )
    .sample(
      'process_resident_memory_bytes',
      {},
      Math.round(podMemoryBytes(p, t) * 0.9),
    )
    .family(
      'process_start_time_seconds',
      'gauge',
      'Start time of the process since unix epoch in seconds.',
    )
    .sample('process_start_time_seconds', {}, Math.floor(STARTED_AT));
  return out.toString();
}

function cadvisorMetrics(pods, t) {
  const out = new Exposition();
  const series = p => [
    { namespace: p.namespace, pod: p.pod, container: p.service },
    // cAdvisor also reports the whole pod cgroup, with an empty container label.
    { namespace: p.namespace, pod: p.pod, container: '' },
  ];
  out.family(
    'container_cpu_usage_seconds_total',
    'counter',
    'Cumulative cpu time consumed in seconds.',
  );
  for (const p of pods) {
    for (const labels of series(p)) {
      out.sample(
        'container_cpu_usage_seconds_total',
        labels,
        podCpuSeconds(p, t) * 1.05,
      );
    }
  }
  out.family(
    'container_memory_working_set_bytes',
    'gauge',
    'Current working set in bytes.',
  );
  for (const p of pods) {
    for (const labels of series(p)) {
      out.sample(
        'container_memory_working_set_bytes',
        labels,
        Math.round(podMemoryBytes(p, t)),
      );
    }
  }
  return out.toString();
}

function kubeStateMetrics(pods) {
  const out = new Exposition();
  out.family(
    'kube_pod_labels',
    'gauge',
    'Kubernetes labels converted to Prometheus labels.',
  );
  for (const p of pods) {
    out.sample(
      'kube_pod_labels',
      {
        namespace: p.namespace,
        pod: p.pod,
        // kube-state-metrics' label_<sanitized name> (kubePodLabelName in the label contract)
        label_backstage_io_kubernetes_id: p.service,
        label_app_kubernetes_io_name: p.service,
      },
      1,
    );
  }
  return out.toString();
}

function send(
  res,
  status,
  body,
  type = 'text/plain; version=0.0.4; charset=utf-8',
) {
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

function handle(req, res) {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return send(res, 405, 'method not allowed\n');
  if (url.pathname === '/healthz') return send(res, 200, 'ok\n');
  if (url.pathname === '/') {
    return send(
      res,
      200,
      'demo exporter: /metrics?environment=&pod=, /cadvisor?environment=, /kube-state-metrics?environment=\n',
    );
  }
  const environment = url.searchParams.get('environment');
  const pods = podsByEnvironment.get(environment ?? '');
  if (!pods)
    return send(
      res,
      404,
      `unknown environment ${JSON.stringify(environment)}\n`,
    );
  const t = elapsed();
  switch (url.pathname) {
    case '/metrics': {
      const name = url.searchParams.get('pod');
      const pod = pods.find(p => p.pod === name);
      if (!pod)
        return send(
          res,
          404,
          `unknown pod ${JSON.stringify(name)} in ${environment}\n`,
        );
      return send(res, 200, podMetrics(pod, t));
    }
    case '/cadvisor':
      return send(res, 200, cadvisorMetrics(pods, t));
    case '/kube-state-metrics':
      return send(res, 200, kubeStateMetrics(pods));
    default:
      return send(res, 404, 'not found\n');
  }
}

const server = createServer(handle);
// Above the scrape interval: with Node's default 5 s, vmagent 1.79 needs ~2 s per scrape.
server.keepAliveTimeout = 120_000;
server.headersTimeout = 121_000;
server.listen(Number(args.port), args.host, () => {
  console.log(
    `demo exporter listening on http://${args.host}:${args.port} (services from ${args.services})`,
  );
});

process.on('SIGHUP', () => {
  try {
    loadServices();
    console.log('reloaded', args.services);
  } catch (e) {
    console.error('reload failed, keeping the previous services:', e.message);
  }
});
for (const signal of ['SIGTERM', 'SIGINT'])
  process.on(signal, () => process.exit(0));
