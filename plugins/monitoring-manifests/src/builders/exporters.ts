/**
 * The exporters every cluster (hub and spokes) runs: node exporter (DaemonSet) and
 * kube-state-metrics (Deployment), with their Services and RBAC. "System Architecture":
 * "Node Exporter (DaemonSet)", "Kube State Metrics (1x)".
 */
import { SERVICE_POD_LABELS } from '@hubspoke/backstage-plugin-monitoring-common';
import { containerSecurityContext, object, podSecurityContext } from './common';
import {
  IMAGES,
  PORTS,
  REPLICAS,
  RESOURCES,
  resourcesFor,
  RUN_AS,
} from './defaults';
import { K8sObject } from './types';

export const NODE_EXPORTER = 'node-exporter';
/**
 * The name of kube-state-metrics' objects (and the prefix of its cluster-scoped RBAC).
 *
 * @public
 */
export const KUBE_STATE_METRICS = 'kube-state-metrics';

/**
 * `--metric-labels-allowlist` of kube-state-metrics: the pod labels of the label contract, so
 * `kube_pod_labels` carries them (as `label_<name>`) for the cAdvisor-to-service join.
 */
export function metricLabelsAllowlist(): string {
  return `pods=[${SERVICE_POD_LABELS.join(',')}]`;
}

/** The Kubernetes resources kube-state-metrics exports (and may list and watch). */
const KSM_RESOURCES: Array<{ group: string; resources: string[] }> = [
  {
    group: '',
    resources: [
      'pods',
      'nodes',
      'namespaces',
      'services',
      'persistentvolumeclaims',
      'persistentvolumes',
    ],
  },
  {
    group: 'apps',
    resources: ['deployments', 'statefulsets', 'daemonsets', 'replicasets'],
  },
  { group: 'batch', resources: ['jobs', 'cronjobs'] },
  { group: 'autoscaling', resources: ['horizontalpodautoscalers'] },
  { group: 'policy', resources: ['poddisruptionbudgets'] },
];

/**
 * The namespace and labels of the exporter objects.
 *
 * @public
 */
export interface ExporterContext {
  namespace: string;
  labels: Record<string, string>;
}

export function nodeExporter(ctx: ExporterContext): K8sObject[] {
  const selector = { 'app.kubernetes.io/name': NODE_EXPORTER };
  const labels = { ...ctx.labels, ...selector };
  const meta = { name: NODE_EXPORTER, namespace: ctx.namespace, labels };
  const hostVolume = (name: string, path: string) => ({
    name,
    hostPath: { path },
  });
  const mount = (name: string, mountPath: string) => ({
    name,
    mountPath,
    readOnly: true,
    mountPropagation: 'HostToContainer',
  });
  return [
    object('v1', 'ServiceAccount', meta, {
      automountServiceAccountToken: false,
    }),
    object('apps/v1', 'DaemonSet', meta, {
      spec: {
        selector: { matchLabels: selector },
        updateStrategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxUnavailable: '10%' },
        },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: NODE_EXPORTER,
            automountServiceAccountToken: false,
            // Host metrics: the node's network namespace and processes, scraped on the node IP.
            hostNetwork: true,
            hostPID: true,
            tolerations: [{ operator: 'Exists' }],
            securityContext: podSecurityContext(RUN_AS.nodeExporter),
            containers: [
              {
                name: NODE_EXPORTER,
                image: IMAGES.nodeExporter,
                args: [
                  '--path.procfs=/host/proc',
                  '--path.sysfs=/host/sys',
                  '--path.rootfs=/host/root',
                  `--web.listen-address=:${PORTS.nodeExporter}`,
                  '--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run/containerd/.+|var/lib/docker/.+|var/lib/kubelet/pods/.+)($|/)',
                ],
                ports: [
                  {
                    name: 'metrics',
                    containerPort: PORTS.nodeExporter,
                    hostPort: PORTS.nodeExporter,
                  },
                ],
                readinessProbe: {
                  httpGet: { path: '/', port: PORTS.nodeExporter },
                },
                resources: resourcesFor(RESOURCES.nodeExporter),
                securityContext: containerSecurityContext(),
                volumeMounts: [
                  mount('proc', '/host/proc'),
                  mount('sys', '/host/sys'),
                  mount('root', '/host/root'),
                ],
              },
            ],
            volumes: [
              hostVolume('proc', '/proc'),
              hostVolume('sys', '/sys'),
              hostVolume('root', '/'),
            ],
          },
        },
      },
    }),
    // "Headless Services: node-exporter (DaemonSet endpoints)".
    object('v1', 'Service', meta, {
      spec: {
        clusterIP: 'None',
        selector,
        ports: [
          { name: 'metrics', port: PORTS.nodeExporter, targetPort: 'metrics' },
        ],
      },
    }),
  ];
}

/**
 * kube-state-metrics: its ServiceAccount, RBAC, Deployment and Service.
 *
 * @public
 */
export function kubeStateMetrics(ctx: ExporterContext): K8sObject[] {
  const selector = { 'app.kubernetes.io/name': KUBE_STATE_METRICS };
  const labels = { ...ctx.labels, ...selector };
  const meta = { name: KUBE_STATE_METRICS, namespace: ctx.namespace, labels };
  const clusterName = `${KUBE_STATE_METRICS}-${ctx.namespace}`;
  return [
    object('v1', 'ServiceAccount', meta, {}),
    object(
      'rbac.authorization.k8s.io/v1',
      'ClusterRole',
      { name: clusterName, labels },
      {
        rules: KSM_RESOURCES.map(r => ({
          apiGroups: [r.group],
          resources: r.resources,
          verbs: ['list', 'watch'],
        })),
      },
    ),
    object(
      'rbac.authorization.k8s.io/v1',
      'ClusterRoleBinding',
      { name: clusterName, labels },
      {
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: clusterName,
        },
        subjects: [
          {
            kind: 'ServiceAccount',
            name: KUBE_STATE_METRICS,
            namespace: ctx.namespace,
          },
        ],
      },
    ),
    object('apps/v1', 'Deployment', meta, {
      spec: {
        replicas: REPLICAS.kubeStateMetrics,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: KUBE_STATE_METRICS,
            securityContext: podSecurityContext(RUN_AS.kubeStateMetrics),
            containers: [
              {
                name: KUBE_STATE_METRICS,
                image: IMAGES.kubeStateMetrics,
                args: [
                  `--port=${PORTS.kubeStateMetrics}`,
                  `--telemetry-port=${PORTS.kubeStateMetricsTelemetry}`,
                  `--resources=${KSM_RESOURCES.flatMap(r => r.resources).join(',')}`,
                  `--metric-labels-allowlist=${metricLabelsAllowlist()}`,
                ],
                ports: [
                  {
                    name: 'http-metrics',
                    containerPort: PORTS.kubeStateMetrics,
                  },
                  {
                    name: 'telemetry',
                    containerPort: PORTS.kubeStateMetricsTelemetry,
                  },
                ],
                livenessProbe: {
                  httpGet: { path: '/livez', port: PORTS.kubeStateMetrics },
                },
                readinessProbe: {
                  httpGet: {
                    path: '/readyz',
                    port: PORTS.kubeStateMetricsTelemetry,
                  },
                },
                resources: resourcesFor(RESOURCES.kubeStateMetrics),
                securityContext: containerSecurityContext(),
              },
            ],
          },
        },
      },
    }),
    object('v1', 'Service', meta, {
      spec: {
        selector,
        ports: [
          {
            name: 'http-metrics',
            port: PORTS.kubeStateMetrics,
            targetPort: 'http-metrics',
          },
          {
            name: 'telemetry',
            port: PORTS.kubeStateMetricsTelemetry,
            targetPort: 'telemetry',
          },
        ],
      },
    }),
  ];
}
