/**
 * The processes of the local stack, in start order (`stage`): what to run, which port answers
 * when it is up, and how to recognise it in `/proc/<pid>/cmdline`.
 */
import * as path from 'node:path';
import { spokeExternalLabels } from '@hubspoke/backstage-plugin-monitoring-common';
import { configPaths, VMALERT_NAMES } from './configFiles';
import { HOST, INSERT_PATH, PORTS, URLS } from './endpoints';
import { ENVIRONMENTS, HUB_AGENT, spokeUser } from './environments';
import { forgeProcessSpec } from './forge';
import { KUBE_LAYOUT } from './kube/layout';
import { HUB_STAGE, kubeProcessSpecs } from './kube/processes';
import { DEMO_EXPORTER_SCRIPT, StackPaths } from './paths';
import { BIN } from './binaries';
import { HUB_FLAGS } from './hubFlags';

export interface ProcessSpec {
  name: string;
  /** Absolute path of the executable. */
  command: string;
  args: string[];
  port: number;
  /** Path that answers 2xx once the process serves. */
  healthPath: string;
  /** Served over https with a certificate of this CA (PEM file). */
  healthCa?: string;
  /**
   * Processes of a lower stage are started (and answer) first: the clusters' (1-3), then, once
   * the clusters are bootstrapped, the hub's (from `HUB_STAGE`).
   */
  stage: number;
  /** argv entries that identify this process (besides `command` as argv[0]). */
  identity: string[];
  /** Directories to create before the first start. */
  dirs: string[];
  /** Whether SIGHUP makes it re-read its config files. */
  reloadsOnSighup: boolean;
}

const listen = (port: number) => `${HOST}:${port}`;

/** VictoriaMetrics' `-storageDataPath` (the demo's backfill stamp lives in it too). */
export const victoriaMetricsDataDir = (paths: StackPaths) =>
  paths.data('victoria-metrics');

export function processSpecs(paths: StackPaths): ProcessSpec[] {
  const files = configPaths(paths);
  const vmData = victoriaMetricsDataDir(paths);
  const amData = paths.data('alertmanager');
  const specs: ProcessSpec[] = [
    {
      name: 'victoria-metrics',
      command: BIN.victoriaMetrics,
      args: [
        `-httpListenAddr=${listen(PORTS.victoriaMetrics)}`,
        `-storageDataPath=${vmData}`,
        `-retentionPeriod=${HUB_FLAGS.retentionPeriod}`,
        `-dedup.minScrapeInterval=${HUB_FLAGS.dedupMinScrapeInterval}`,
        // The default 30 s hides the newest samples; on loopback the spokes flush every second.
        '-search.latencyOffset=5s',
        `-vmalert.proxyURL=${URLS.vmalert}`,
      ],
      port: PORTS.victoriaMetrics,
      healthPath: '/health',
      stage: HUB_STAGE,
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
      stage: HUB_STAGE,
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
      stage: HUB_STAGE,
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
      stage: HUB_STAGE,
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
      stage: HUB_STAGE + 1,
      identity: [`-httpListenAddr=${listen(PORTS.vmauth)}`],
      dirs: [],
      reloadsOnSighup: true,
    },
    // "VMAlert | 2 | Active-Active": both evaluate every rule, write ALERTS (deduplicated by
    // the database) and notify Alertmanager (which deduplicates the alerts).
    ...PORTS.vmalertReplicas.map((port, i): ProcessSpec => ({
      name: VMALERT_NAMES[i],
      command: BIN.vmalert,
      args: [
        `-httpListenAddr=${listen(port)}`,
        `-rule=${files.rulesGlob}`,
        `-datasource.url=${URLS.victoriaMetrics}`,
        `-remoteWrite.url=${URLS.victoriaMetrics}`,
        `-remoteRead.url=${URLS.victoriaMetrics}`,
        `-notifier.url=${URLS.alertmanager}`,
        `-external.url=http://${listen(port)}`,
        '-evaluationInterval=15s',
      ],
      port,
      healthPath: '/health',
      stage: HUB_STAGE + 1,
      identity: [`-httpListenAddr=${listen(port)}`],
      dirs: [],
      reloadsOnSighup: true,
    })),
    forgeProcessSpec(paths),
    ...kubeProcessSpecs(paths, KUBE_LAYOUT),
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
        `-remoteWrite.url=${URLS.vmauth}${INSERT_PATH}/api/v1/write`,
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
      stage: HUB_STAGE + 2,
      identity: [`-httpListenAddr=${listen(env.vmagentPort)}`],
      dirs: [queue],
      reloadsOnSighup: true,
    });
  }
  const hubQueue = path.join(paths.data(`vmagent-${HUB_AGENT.name}`), 'queue');
  specs.push({
    name: `vmagent-${HUB_AGENT.name}`,
    command: BIN.vmagent,
    args: [
      `-httpListenAddr=${listen(HUB_AGENT.vmagentPort)}`,
      `-promscrape.config=${files.vmagent(HUB_AGENT.name)}`,
      // As the hub template's VMAgent: straight to vminsert, inside the hub.
      `-remoteWrite.url=${URLS.victoriaMetrics}/api/v1/write`,
      ...Object.entries(
        spokeExternalLabels({
          cluster: HUB_AGENT.cluster,
          environment: HUB_AGENT.environment,
        }),
      ).map(([k, v]) => `-remoteWrite.label=${k}=${v}`),
      `-remoteWrite.relabelConfig=${files.hubRelabel}`,
      `-remoteWrite.tmpDataPath=${hubQueue}`,
      '-remoteWrite.flushInterval=1s',
    ],
    port: HUB_AGENT.vmagentPort,
    healthPath: '/health',
    stage: HUB_STAGE + 2,
    identity: [`-httpListenAddr=${listen(HUB_AGENT.vmagentPort)}`],
    dirs: [hubQueue],
    reloadsOnSighup: true,
  });
  return specs;
}
