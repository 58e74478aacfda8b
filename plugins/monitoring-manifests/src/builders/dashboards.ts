/**
 * The dashboards provisioned into Grafana: the services (from the recording rules the hub
 * deploys) and the stack itself (per-spoke ingestion and queues). Plain Grafana dashboard JSON.
 */
import { LABELS } from '@hubspoke/backstage-plugin-monitoring-common';
import { RECORDED } from './rules';

export const DATASOURCE_UID = 'victoriametrics';

interface Target {
  expr: string;
  legend: string;
}

function panel(
  id: number,
  title: string,
  unit: string,
  targets: Target[],
  x: number,
  y: number,
) {
  return {
    id,
    type: 'timeseries',
    title,
    datasource: { type: 'prometheus', uid: DATASOURCE_UID },
    gridPos: { h: 8, w: 12, x, y },
    fieldConfig: { defaults: { unit }, overrides: [] },
    targets: targets.map((t, i) => ({
      refId: String.fromCharCode(65 + i),
      datasource: { type: 'prometheus', uid: DATASOURCE_UID },
      expr: t.expr,
      legendFormat: t.legend,
    })),
  };
}

function variable(name: string, query: string) {
  return {
    name,
    type: 'query',
    datasource: { type: 'prometheus', uid: DATASOURCE_UID },
    query: { query, refId: name },
    definition: query,
    includeAll: true,
    multi: true,
    refresh: 2,
    current: { text: 'All', value: '$__all' },
  };
}

function dashboard(
  uid: string,
  title: string,
  panels: unknown[],
  variables: unknown[],
) {
  return {
    uid,
    title,
    tags: ['backstage-monitoring'],
    timezone: 'browser',
    schemaVersion: 39,
    version: 1,
    refresh: '1m',
    time: { from: 'now-6h', to: 'now' },
    templating: { list: variables },
    panels,
  };
}

const { service, environment, cluster } = LABELS;
const SEL = `${service}=~"$service", ${environment}=~"$environment"`;

function servicesDashboard() {
  return dashboard(
    'monitoring-services',
    'Services (Backstage monitoring)',
    [
      panel(
        1,
        'Request rate',
        'reqps',
        [
          {
            expr: `sum by (${service}, ${environment}) (${RECORDED.requests}{${SEL}})`,
            legend: `{{${service}}} ({{${environment}}})`,
          },
        ],
        0,
        0,
      ),
      panel(
        2,
        'Error ratio (5xx)',
        'percentunit',
        [
          {
            expr: `sum by (${service}, ${environment}) (${RECORDED.errors}{${SEL}}) / sum by (${service}, ${environment}) (${RECORDED.requests}{${SEL}})`,
            legend: `{{${service}}} ({{${environment}}})`,
          },
        ],
        12,
        0,
      ),
      panel(
        3,
        'Latency p95',
        's',
        [
          {
            expr: `histogram_quantile(0.95, sum by (${service}, ${environment}, le) (${RECORDED.durationBuckets}{${SEL}}))`,
            legend: `{{${service}}} ({{${environment}}})`,
          },
        ],
        0,
        8,
      ),
    ],
    [
      variable(
        environment,
        `label_values(${RECORDED.requests}, ${environment})`,
      ),
      variable(
        service,
        `label_values(${RECORDED.requests}{${environment}=~"$environment"}, ${service})`,
      ),
    ],
  );
}

function stackDashboard() {
  const by = `${cluster}, ${environment}`;
  return dashboard(
    'monitoring-stack',
    'Monitoring stack (hub and spokes)',
    [
      panel(
        1,
        'Last sample age per cluster',
        's',
        [
          {
            expr: `time() - max by (${by}) (tlast_over_time(up[1h]))`,
            legend: `{{${cluster}}}`,
          },
        ],
        0,
        0,
      ),
      panel(
        2,
        'Samples written per second',
        'short',
        [
          {
            expr: `sum by (${by}) (rate(vmagent_remotewrite_rows_pushed_after_relabel_total[5m]))`,
            legend: `{{${cluster}}}`,
          },
        ],
        12,
        0,
      ),
      panel(
        3,
        'Persistent queue (pending bytes)',
        'bytes',
        [
          {
            expr: `sum by (${by}) (vm_persistentqueue_bytes_pending)`,
            legend: `{{${cluster}}}`,
          },
        ],
        0,
        8,
      ),
      panel(
        4,
        'Active series per cluster',
        'short',
        [
          // Samples per scrape summed over the targets: the cluster's active series, cheaply.
          {
            expr: `sum by (${by}) (scrape_samples_post_metric_relabeling)`,
            legend: `{{${cluster}}}`,
          },
        ],
        12,
        8,
      ),
    ],
    [],
  );
}

/** File name -> dashboard JSON, as mounted from a ConfigMap. */
export function dashboardFiles(): Record<string, string> {
  return {
    'services.json': JSON.stringify(servicesDashboard(), null, 2),
    'monitoring-stack.json': JSON.stringify(stackDashboard(), null, 2),
  };
}
