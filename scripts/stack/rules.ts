/**
 * The vmalert rules of the local hub: the service SLO alerts and the recording rules the
 * fleet view reads (`sum by (service, environment)` precomputed).
 */

export interface AlertingRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  interval?: string;
  rules: Array<AlertingRule | RecordingRule>;
}

export interface RuleFile {
  groups: RuleGroup[];
}

const BY = 'service, environment, cluster, namespace';
const RUNBOOKS = 'https://runbooks.example.com/monitoring';

export function stackRules(): RuleFile {
  return {
    groups: [
      {
        name: 'service-slo',
        rules: [
          {
            alert: 'ServiceHighErrorRatio',
            expr:
              `sum by (${BY}) (rate(http_requests_total{code=~"5.."}[2m]))` +
              ` / sum by (${BY}) (rate(http_requests_total[2m])) > 0.05`,
            for: '1m',
            labels: { severity: 'critical' },
            annotations: {
              summary:
                '{{ $labels.service }} in {{ $labels.environment }} answers ' +
                '{{ $value | humanizePercentage }} of requests with 5xx',
              description:
                'More than 5% of the requests to {{ $labels.service }} ' +
                '(cluster {{ $labels.cluster }}, namespace {{ $labels.namespace }}) ' +
                'failed with a 5xx status over the last 2 minutes.',
              runbook_url: `${RUNBOOKS}/ServiceHighErrorRatio`,
            },
          },
          {
            alert: 'ServiceHighLatencyP95',
            expr:
              `histogram_quantile(0.95, sum by (${BY}, le) ` +
              `(rate(http_request_duration_seconds_bucket[2m]))) > 0.5`,
            for: '2m',
            labels: { severity: 'warning' },
            annotations: {
              summary:
                '{{ $labels.service }} in {{ $labels.environment }} has a p95 latency of ' +
                '{{ $value | humanizeDuration }}',
              description:
                'The 95th percentile request latency of {{ $labels.service }} ' +
                '(cluster {{ $labels.cluster }}, namespace {{ $labels.namespace }}) ' +
                'has been above 500ms for 2 minutes.',
              runbook_url: `${RUNBOOKS}/ServiceHighLatencyP95`,
            },
          },
        ],
      },
      {
        name: 'service-recording',
        rules: [
          {
            record: 'service_environment:http_requests:rate2m',
            expr: 'sum by (service, environment) (rate(http_requests_total[2m]))',
          },
          {
            record: 'service_environment:http_requests_errors:rate2m',
            expr: 'sum by (service, environment) (rate(http_requests_total{code=~"5.."}[2m]))',
          },
          {
            record:
              'service_environment_le:http_request_duration_seconds_bucket:rate2m',
            expr: 'sum by (service, environment, le) (rate(http_request_duration_seconds_bucket[2m]))',
          },
        ],
      },
    ],
  };
}
