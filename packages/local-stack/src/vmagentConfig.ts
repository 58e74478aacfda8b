/**
 * The scrape config of one spoke vmagent.
 *
 * `kubernetes-pods` stands in for `kubernetes_sd_configs` pod discovery: one static target per
 * demo pod carrying the `__meta_kubernetes_*` labels discovery would set, relabeled with the
 * label contract's `podTargetRelabeling()`, so the real vmagent applies the relabeling a spoke
 * does. `__param_*` labels become query parameters of the scrape URL and all `__` labels are
 * dropped after relabeling.
 */
import {
  RelabelRule,
  SERVICE_POD_LABELS,
  kubeStateMetricsRelabeling,
  podLabelMetaName,
  podTargetRelabeling,
} from '@hubspoke/backstage-plugin-monitoring-common';
import {
  HubComponent,
  hubComponentJob,
  hubComponentRelabeling,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { DemoPodNames, demoPodsFor } from './demoServices';
import { HOST, PORTS } from './endpoints';
import { HUB_AGENT, SpokeEnvironment } from './environments';

/**
 * The spoke template renders 30s; the local stack scrapes every 15s so a freshly started demo
 * has enough samples for `rate(...[1m])` and a `for: 1m` alert sooner.
 */
export const LOCAL_SCRAPE_INTERVAL = '15s';

const DEMO_TARGET = `${HOST}:${PORTS.demoExporter}`;

/** The job of the demo pods' own series (`http_*`, `process_*`). */
export const POD_SCRAPE_JOB = 'kubernetes-pods';

/** The `instance` a demo pod's series carry (see instanceFromPod). */
export const podInstance = (pod: string) => `${pod}:${PORTS.demoExporter}`;

/**
 * On a real spoke every pod has its own address, so `instance` is unique; here all demo pods
 * share the exporter's address. vmagent 1.79 keeps all of them as separate targets (checked:
 * their labels differ, so none is dropped as a duplicate), but each would get
 * `instance="127.0.0.1:9400"`. So `instance` is set to `<pod>:<port>`, as unique as on a spoke.
 */
const instanceFromPod: RelabelRule = {
  action: 'replace',
  source_labels: ['__meta_kubernetes_pod_name'],
  target_label: 'instance',
  replacement: podInstance('$1'),
};

function podTargets(env: SpokeEnvironment, names: DemoPodNames) {
  return demoPodsFor(env.name, names).map(pod => ({
    targets: [DEMO_TARGET],
    labels: {
      __param_environment: env.name,
      __param_pod: pod.pod,
      __meta_kubernetes_namespace: pod.namespace,
      __meta_kubernetes_pod_name: pod.pod,
      __meta_kubernetes_pod_container_name: pod.service,
      ...Object.fromEntries(
        SERVICE_POD_LABELS.map(l => [podLabelMetaName(l), pod.service]),
      ),
    },
  }));
}

export function vmagentScrapeConfig(
  env: SpokeEnvironment,
  names: DemoPodNames = {},
) {
  return {
    global: { scrape_interval: LOCAL_SCRAPE_INTERVAL, scrape_timeout: '10s' },
    scrape_configs: [
      {
        job_name: POD_SCRAPE_JOB,
        metrics_path: '/metrics',
        static_configs: podTargets(env, names),
        relabel_configs: [...podTargetRelabeling(), instanceFromPod],
      },
      {
        job_name: 'kube-state-metrics',
        metrics_path: '/kube-state-metrics',
        params: { environment: [env.name] },
        honor_labels: true,
        static_configs: [{ targets: [DEMO_TARGET] }],
        metric_relabel_configs: kubeStateMetricsRelabeling(),
      },
      {
        job_name: 'cadvisor',
        metrics_path: '/cadvisor',
        params: { environment: [env.name] },
        honor_labels: true,
        static_configs: [{ targets: [DEMO_TARGET] }],
      },
      {
        job_name: 'node-exporter',
        static_configs: [{ targets: [`${HOST}:${PORTS.nodeExporter}`] }],
      },
      {
        job_name: 'vmagent',
        static_configs: [{ targets: [`${HOST}:${env.vmagentPort}`] }],
      },
    ],
  };
}

/**
 * What the hub's vmagent scrapes: one job per hub component, named as the VM operator names
 * the component's self-scrape (`<component>-<hub>`). The single-node victoria-metrics plays
 * vminsert, vmselect and vmstorage here, so those three jobs scrape the same process.
 */
const HUB_TARGETS: Record<HubComponent, string[]> = {
  vminsert: [`${HOST}:${PORTS.victoriaMetrics}`],
  vmselect: [`${HOST}:${PORTS.victoriaMetrics}`],
  vmstorage: [`${HOST}:${PORTS.victoriaMetrics}`],
  vmauth: [`${HOST}:${PORTS.vmauth}`],
  vmalert: PORTS.vmalertReplicas.map(port => `${HOST}:${port}`),
  vmalertmanager: [`${HOST}:${PORTS.alertmanager}`],
};

export function hubScrapeConfig() {
  return {
    global: { scrape_interval: LOCAL_SCRAPE_INTERVAL, scrape_timeout: '10s' },
    scrape_configs: [
      ...Object.entries(HUB_TARGETS).map(([component, targets]) => ({
        job_name: hubComponentJob(component as HubComponent, HUB_AGENT.cluster),
        static_configs: [{ targets }],
      })),
      {
        job_name: 'vmagent',
        static_configs: [{ targets: [`${HOST}:${HUB_AGENT.vmagentPort}`] }],
      },
    ],
  };
}

/** The hub vmagent's remote-write relabeling: the same rules as the hub template's VMAgent. */
export const hubRemoteWriteRelabeling = () =>
  hubComponentRelabeling(HUB_AGENT.cluster);
