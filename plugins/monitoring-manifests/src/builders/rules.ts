/**
 * The hub's default vmalert rules: service SLO alerts, the health of the stack itself, and the
 * recording rules the fleet view reads (`sum by (service, environment)` precomputed). Plain
 * rule groups in vmalert's file format, so the local stack can load the same rules from a file
 * and the hub builder wraps them in VMRules.
 */
import {
  FLEET_RATE_WINDOW,
  FLEET_RECORDED,
  fleetRecordingRules,
  LABELS,
  serviceAlertExpressions,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { ALERTS } from './defaults';

/** @public */
export interface AlertingRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** @public */
export interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

/** @public */
export interface RuleGroup {
  name: string;
  interval?: string;
  rules: Array<AlertingRule | RecordingRule>;
}

/** @public */
export interface RuleOptions {
  /** `for` of ServiceHighErrorRatio (default 5m; the local demo uses less). */
  errorRatioFor?: string;
  /** `for` of ServiceHighLatencyP95 (default 10m). */
  latencyFor?: string;
  /** Base URL of the runbooks linked from the alerts. */
  runbookBaseUrl?: string;
}

const { environment, cluster } = LABELS;
const SPOKE = `${cluster}, ${environment}`;
const VMSTORAGE_JOB = '{job=~".*vmstorage.*"}';

/** The fleet's recorded series (defined in monitoring-common with the fleet's queries). */
export const RECORDED = FLEET_RECORDED;

/**
 * Every service's error ratio and p95 latency, from the shared signal queries (monitoring-common's
 * `serviceAlertExpressions`, http profile): the same series and shapes as the per-service rules,
 * the panels and the fleet, over all services (no selector), grouped per service, namespace,
 * cluster and environment, at the fleet recording rules' rate window.
 */
function serviceSloRules(o: Required<RuleOptions>): AlertingRule[] {
  const e = serviceAlertExpressions({
    profile: 'http',
    matchers: [],
    window: FLEET_RATE_WINDOW,
    errorRatioThreshold: ALERTS.errorRatio,
    latencyP95ThresholdSeconds: ALERTS.latencyP95Seconds,
  });
  return [
    {
      alert: 'ServiceHighErrorRatio',
      expr: e.errorRatio.alert,
      for: o.errorRatioFor,
      labels: { severity: 'critical' },
      annotations: {
        summary:
          '{{ $labels.service }} in {{ $labels.environment }} answers ' +
          '{{ $value | humanizePercentage }} of requests with 5xx',
        description:
          `More than ${ALERTS.errorRatio * 100}% of the requests to {{ $labels.service }} ` +
          '(cluster {{ $labels.cluster }}, namespace {{ $labels.namespace }}) failed with a 5xx ' +
          `status for ${o.errorRatioFor}.`,
        runbook_url: `${o.runbookBaseUrl}/ServiceHighErrorRatio`,
      },
    },
    {
      alert: 'ServiceHighLatencyP95',
      expr: e.latencyP95.alert,
      for: o.latencyFor,
      labels: { severity: 'warning' },
      annotations: {
        summary:
          '{{ $labels.service }} in {{ $labels.environment }} has a p95 latency of ' +
          '{{ $value | humanizeDuration }}',
        description:
          'The 95th percentile request latency of {{ $labels.service }} (cluster ' +
          '{{ $labels.cluster }}, namespace {{ $labels.namespace }}) has been above ' +
          `${ALERTS.latencyP95Seconds * 1000}ms for ${o.latencyFor}.`,
        runbook_url: `${o.runbookBaseUrl}/ServiceHighLatencyP95`,
      },
    },
  ];
}

function stackRules(o: Required<RuleOptions>): AlertingRule[] {
  const rb = (a: string) => ({ runbook_url: `${o.runbookBaseUrl}/${a}` });
  return [
    {
      alert: 'SpokeRemoteWriteLag',
      // tlast_over_time (MetricsQL): time of the last sample of the spoke in the last hour.
      expr: `time() - max by (${SPOKE}) (tlast_over_time(up{${cluster}!=""}[1h])) > ${ALERTS.remoteWriteLagSeconds}`,
      labels: { severity: 'critical' },
      annotations: {
        summary:
          'No samples from cluster {{ $labels.cluster }} for {{ $value | humanizeDuration }}',
        description:
          'The hub has received nothing from the vmagent of {{ $labels.cluster }} ' +
          `({{ $labels.environment }}) for more than ${ALERTS.remoteWriteLagSeconds / 60} minutes.`,
        ...rb('SpokeRemoteWriteLag'),
      },
    },
    {
      alert: 'VMAgentPersistentQueueGrowing',
      expr:
        `sum by (${SPOKE}, pod) (vm_persistentqueue_bytes_pending) > ${ALERTS.queueBytes}` +
        ` and sum by (${SPOKE}, pod) (delta(vm_persistentqueue_bytes_pending[${ALERTS.queueFor}])) > 0`,
      for: ALERTS.queueFor,
      labels: { severity: 'warning' },
      annotations: {
        summary:
          'The remote-write queue of {{ $labels.cluster }} keeps growing',
        description:
          'vmagent {{ $labels.pod }} in {{ $labels.cluster }} buffers {{ $value | humanize1024 }}B ' +
          'on disk and the queue is not draining: the hub is unreachable or too slow.',
        ...rb('VMAgentPersistentQueueGrowing'),
      },
    },
    {
      alert: 'VMAgentDroppingSamples',
      expr: `sum by (${SPOKE}) (increase(vm_persistentqueue_bytes_dropped_total[5m])) > 0`,
      labels: { severity: 'critical' },
      annotations: {
        summary:
          'vmagent in {{ $labels.cluster }} drops data: its persistent queue is full',
        description:
          'The persistent queue reached its size limit and vmagent drops the oldest data.',
        ...rb('VMAgentDroppingSamples'),
      },
    },
    {
      alert: 'VMStorageDiskRunningOut',
      expr:
        `sum by (job, instance) (vm_data_size_bytes${VMSTORAGE_JOB}) / (sum by (job, instance) ` +
        `(vm_free_disk_space_bytes${VMSTORAGE_JOB}) + sum by (job, instance) ` +
        `(vm_data_size_bytes${VMSTORAGE_JOB})) > ${ALERTS.diskUsedRatio}`,
      for: '30m',
      labels: { severity: 'critical' },
      annotations: {
        summary:
          'vmstorage {{ $labels.instance }} uses {{ $value | humanizePercentage }} of its disk',
        description:
          'Grow the volume or shorten the retention before vmstorage turns read-only.',
        ...rb('VMStorageDiskRunningOut'),
      },
    },
    {
      alert: 'Watchdog',
      expr: 'vector(1)',
      labels: { severity: 'none' },
      annotations: {
        summary:
          'Always firing: proves the alerting pipeline (vmalert -> Alertmanager) works',
        description:
          "Route it to a dead man's switch; its absence means alerting is broken.",
      },
    },
  ];
}

/** What the fleet view reads: per service, namespace, cluster and environment. */
function recordingRules(): RecordingRule[] {
  return fleetRecordingRules();
}

/**
 * The default rule groups of the hub (and of the local stack).
 *
 * @public
 */
export function defaultRuleGroups(options: RuleOptions = {}): RuleGroup[] {
  const o: Required<RuleOptions> = {
    errorRatioFor: options.errorRatioFor ?? ALERTS.errorRatioFor,
    latencyFor: options.latencyFor ?? ALERTS.latencyFor,
    runbookBaseUrl:
      options.runbookBaseUrl ?? 'https://runbooks.example.com/monitoring',
  };
  return [
    { name: 'service-slo', rules: serviceSloRules(o) },
    { name: 'service-recording', rules: recordingRules() },
    { name: 'monitoring-stack', rules: stackRules(o) },
  ];
}
