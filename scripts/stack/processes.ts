/**
 * The processes of the local stack, in start order (`stage`): what to run, which port answers
 * when it is up, and how to recognise it in `/proc/<pid>/cmdline`.
 */
import * as path from 'node:path';
import { spokeExternalLabels } from '../../plugins/monitoring-common/src/labelContract';
import { configPaths } from './configFiles';
import { HOST, PORTS, URLS } from './endpoints';
import { ENVIRONMENTS, spokeUser } from './environments';
import { forgeProcessSpec } from './forge';
import { kubeClusterSpecs } from './kubeClusters';
import { DEMO_EXPORTER_SCRIPT, StackPaths } from './paths';

export interface ProcessSpec {
  name: string;
  /** Absolute path of the executable. */
  command: string;
  args: string[];
  port: number;
  /** Path that answers 2xx once the process serves. */
  healthPath: string;
  /** Processes of a lower stage are started (and answer) first. */
  stage: number;
  /** argv entries that identify this process (besides `command` as argv[0]). */
  identity: string[];
  /** Directories to create before the first start. */
  dirs: string[];
  /** Whether SIGHUP makes it re-read its config files. */
  reloadsOnSighup: boolean;
}

export const BIN = {
  victoriaMetrics: '/usr/bin/victoria-metrics',
  vmagent: '/usr/bin/vmagent',
  vmauth: '/usr/bin/vmauth',
  vmalert: '/usr/bin/vmalert',
  alertmanager: '/usr/bin/prometheus-alertmanager',
  nodeExporter: '/usr/bin/prometheus-node-exporter',
} as const;

const listen = (port: number) => `${HOST}:${port}`;

export function processSpecs(paths: StackPaths): ProcessSpec[] {
  const files = configPaths(paths);
  const vmData = paths.data('victoria-metrics');
  const amData = paths.data('alertmanager');
  const specs: ProcessSpec[] = [
    {
      name: 'victoria-metrics',
      command: BIN.victoriaMetrics,
      args: [
        `-httpListenAddr=${listen(PORTS.victoriaMetrics)}`,
        `-storageDataPath=${vmData}`,
        '-retentionPeriod=15d',
        '-dedup.minScrapeInterval=15s',
        // The default 30 s hides the newest samples; on loopback the spokes flush every second.
        '-search.latencyOffset=5s',
        `-vmalert.proxyURL=${URLS.vmalert}`,
      ],
      port: PORTS.victoriaMetrics,
      healthPath: '/health',
      stage: 1,
      identity: [`-httpListenAddr=${listen(PORTS.victoriaMetrics)}`],
      dirs: [vmData],
      reloadsOnSighup: false,
    },
    {
      name: 'alertmanager',
      command: BIN.alertmanager,
      args: [
        `--config.file=${files.alertmanager}`,
        `--storage.path=${amData}`,
        `--web.listen-address=${listen(PORTS.alertmanager)}`,
        '--cluster.listen-address=',
      ],
      port: PORTS.alertmanager,
      healthPath: '/-/ready',
      stage: 1,
      identity: [`--web.listen-address=${listen(PORTS.alertmanager)}`],
      dirs: [amData],
      reloadsOnSighup: true,
    },
    {
      name: 'node-exporter',
      command: BIN.nodeExporter,
      args: [
        `--web.listen-address=${listen(PORTS.nodeExporter)}`,
        '--no-collector.systemd',
      ],
      port: PORTS.nodeExporter,
      healthPath: '/',
      stage: 1,
      identity: [`--web.listen-address=${listen(PORTS.nodeExporter)}`],
      dirs: [],
      reloadsOnSighup: false,
    },
    {
      name: 'demo-exporter',
      command: process.execPath,
      args: [
        DEMO_EXPORTER_SCRIPT,
        '--port',
        String(PORTS.demoExporter),
        '--host',
        HOST,
        '--services',
        files.demoServices,
      ],
      port: PORTS.demoExporter,
      healthPath: '/healthz',
      stage: 1,
      identity: [DEMO_EXPORTER_SCRIPT],
      dirs: [],
      reloadsOnSighup: true,
    },
    {
      name: 'vmauth',
      command: BIN.vmauth,
      args: [
        `-httpListenAddr=${listen(PORTS.vmauth)}`,
        `-auth.config=${files.vmauth}`,
      ],
      port: PORTS.vmauth,
      healthPath: '/health',
      stage: 2,
      identity: [`-httpListenAddr=${listen(PORTS.vmauth)}`],
      dirs: [],
      reloadsOnSighup: true,
    },
    {
      name: 'vmalert',
      command: BIN.vmalert,
      args: [
        `-httpListenAddr=${listen(PORTS.vmalert)}`,
        `-rule=${files.rulesGlob}`,
        `-datasource.url=${URLS.victoriaMetrics}`,
        `-remoteWrite.url=${URLS.victoriaMetrics}`,
        `-remoteRead.url=${URLS.victoriaMetrics}`,
        `-notifier.url=${URLS.alertmanager}`,
        '-evaluationInterval=15s',
      ],
      port: PORTS.vmalert,
      healthPath: '/health',
      stage: 2,
      identity: [`-httpListenAddr=${listen(PORTS.vmalert)}`],
      dirs: [],
      reloadsOnSighup: true,
    },
    forgeProcessSpec(paths),
    ...kubeClusterSpecs(paths),
  ];
  for (const env of ENVIRONMENTS) {
    const user = spokeUser(env);
    const queue = path.join(paths.data(`vmagent-${env.name}`), 'queue');
    const labels = spokeExternalLabels({
      cluster: env.cluster,
      environment: env.name,
    });
    specs.push({
      name: `vmagent-${env.name}`,
      command: BIN.vmagent,
      args: [
        `-httpListenAddr=${listen(env.vmagentPort)}`,
        `-promscrape.config=${files.vmagent(env.name)}`,
        `-remoteWrite.url=${URLS.vmauth}/api/v1/write`,
        `-remoteWrite.basicAuth.username=${user}`,
        `-remoteWrite.basicAuth.passwordFile=${paths.secret(user)}`,
        ...Object.entries(labels).map(
          ([k, v]) => `-remoteWrite.label=${k}=${v}`,
        ),
        `-remoteWrite.tmpDataPath=${queue}`,
        '-remoteWrite.flushInterval=1s',
      ],
      port: env.vmagentPort,
      healthPath: '/health',
      stage: 3,
      identity: [`-httpListenAddr=${listen(env.vmagentPort)}`],
      dirs: [queue],
      reloadsOnSighup: true,
    });
  }
  return specs;
}
