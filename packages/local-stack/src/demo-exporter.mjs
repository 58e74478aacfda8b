#!/usr/bin/env node
/**
 * Demo exporter for the local monitoring stack: pretends to be the demo services' pods, the
 * kubelet's cAdvisor and kube-state-metrics of every environment, so the queries that run on
 * loopback are the ones that run on a real spoke.
 *
 *   node packages/local-stack/src/demo-exporter.mjs --port 9400 [--host 127.0.0.1] --services <file.json>
 *
 *   GET /metrics?environment=E&pod=P       one pod's own series (http_*, process_*)
 *   GET /cadvisor?environment=E            container_cpu_usage_seconds_total,
 *                                          container_memory_working_set_bytes of E's pods
 *   GET /kube-state-metrics?environment=E  kube_pod_labels of E's pods
 *   GET /healthz
 *
 * The services file is written by the local stack from demoServices.ts (the one
 * table of services, pods, rates, error ratios and latencies); SIGHUP re-reads it. The series
 * themselves are computed in demoSeries.mjs. No dependencies.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import {
  cadvisorMetrics,
  kubeStateMetrics,
  podMetrics,
  podsByEnvironment,
} from './demoSeries.mjs';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '9400' },
    host: { type: 'string', default: '127.0.0.1' },
    services: { type: 'string' },
  },
});
if (!args.services) {
  console.error('usage: demo-exporter.mjs --port 9400 --services <file.json>');
  process.exit(2);
}

const startedAt = Date.now() / 1000;
const load = () =>
  podsByEnvironment(JSON.parse(readFileSync(args.services, 'utf8')));
let pods = load();

const EXPOSITION = 'text/plain; version=0.0.4; charset=utf-8';

function send(res, status, body) {
  res.writeHead(status, {
    'content-type': EXPOSITION,
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

function handle(req, res) {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return send(res, 405, 'method not allowed\n');
  }
  if (url.pathname === '/healthz') return send(res, 200, 'ok\n');
  const environment = url.searchParams.get('environment') ?? '';
  const envPods = pods.get(environment);
  if (!envPods) {
    return send(
      res,
      404,
      `unknown environment ${JSON.stringify(environment)}\n`,
    );
  }
  const t = Date.now() / 1000 - startedAt;
  switch (url.pathname) {
    case '/metrics': {
      const name = url.searchParams.get('pod');
      const pod = envPods.find(p => p.pod === name);
      if (!pod) return send(res, 404, `unknown pod ${JSON.stringify(name)}\n`);
      return send(res, 200, podMetrics(pod, t, startedAt));
    }
    case '/cadvisor':
      return send(res, 200, cadvisorMetrics(envPods, t));
    case '/kube-state-metrics':
      return send(res, 200, kubeStateMetrics(envPods));
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
    `demo exporter on http://${args.host}:${args.port}, services from ${args.services}`,
  );
});

process.on('SIGHUP', () => {
  try {
    pods = load();
    console.log(`reloaded ${args.services}`);
  } catch (e) {
    console.error(`reload failed, keeping the previous services: ${e.message}`);
  }
});
for (const signal of ['SIGTERM', 'SIGINT'])
  process.on(signal, () => process.exit(0));
