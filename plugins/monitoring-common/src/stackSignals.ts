/**
 * The health of the monitoring stack itself: which series tell it and how they are read.
 *
 * Every spoke's vmagent scrapes itself and writes its own metrics with the spoke's `cluster` and
 * `environment` labels; the hub's vmagent scrapes the hub's components. The VM operator names a
 * component's Service (and so the `job` of its self-scrape) `<prefix>-<hub name>`; the hub's
 * vmagent turns that into a `component` label with `hubComponentRelabeling`, which the hub
 * template and the local stack both use, so the backend reads one label whatever the naming.
 */
import { LABELS, RelabelRule } from './labelContract';
import { escapeRegex } from './promql';

/**
 * The hub's components, by the prefix the VM operator gives their Services.
 *
 * @public
 */
export const HUB_COMPONENTS = [
  'vminsert',
  'vmselect',
  'vmstorage',
  'vmauth',
  'vmalert',
  'vmalertmanager',
] as const;
/** @public */
export type HubComponent = (typeof HUB_COMPONENTS)[number];

/**
 * The label the hub's vmagent puts on the series of its components' self-scrapes: a name of its
 * own, since `component` is a common target label (`component="apiserver"`).
 *
 * @public
 */
export const COMPONENT_LABEL = 'hub_component';

/**
 * The `job` of a hub component's self-scrape: the operator's Service name.
 *
 * @public
 */
export function hubComponentJob(
  component: HubComponent,
  hubName: string,
): string {
  return `${component}-${hubName}`;
}

/**
 * Remote-write relabeling of the hub's vmagent: `component` from the job of a hub component.
 *
 * @public
 */
export function hubComponentRelabeling(hubName: string): RelabelRule[] {
  return [
    {
      action: 'replace',
      source_labels: ['job'],
      regex: `(${HUB_COMPONENTS.join('|')})-${escapeRegex(hubName)}`,
      target_label: COMPONENT_LABEL,
      replacement: '$1',
    },
  ];
}

/**
 * The window over which drops and remote-write errors are counted.
 *
 * @public
 */
export const STACK_COUNT_WINDOW = '15m';
/**
 * The window of the rates (samples/s).
 *
 * @public
 */
export const STACK_RATE_WINDOW = '5m';
/**
 * How far back the newest sample of a cluster is looked for: a spoke silent for longer is not listed (unless configured).
 *
 * @public
 */
export const STACK_LOOKBACK = '1d';

/** @public */
export interface StackQueries {
  /** Unix seconds of the newest sample each cluster wrote. */
  lastSample: string;
  /** Samples per second each cluster's vmagent sends to the hub. */
  samplesPerSecond: string;
  /** Series each cluster's scrapes produce (after relabeling): its active series. */
  activeSeries: string;
  /** Bytes waiting in each vmagent's persistent queue. */
  queueBytes: string;
  /** Samples dropped (queue full, or refused by the hub) over STACK_COUNT_WINDOW. */
  droppedSamples: string;
  /** Failed remote-write requests (connection errors and non-2xx answers) over STACK_COUNT_WINDOW. */
  remoteWriteErrors: string;
  /** Whether each scraped instance of a hub component is up. */
  componentsUp: string;
}

const by = `by (${LABELS.cluster})`;

/**
 * The stack's instant queries; none holds a value from a request or the catalog.
 *
 * @public
 */
export function stackQueries(): StackQueries {
  return {
    // With the environment: a cluster writes one (the label contract), shown on its card.
    lastSample: `max by (${LABELS.cluster}, ${LABELS.environment}) (tlast_over_time(up{${LABELS.cluster}!=""}[${STACK_LOOKBACK}]))`,
    samplesPerSecond: `sum ${by} (rate(vmagent_remotewrite_block_size_rows_sum[${STACK_RATE_WINDOW}]))`,
    activeSeries: `sum ${by} (scrape_samples_post_metric_relabeling)`,
    queueBytes: `sum ${by} (vmagent_remotewrite_pending_data_bytes)`,
    droppedSamples: `sum ${by} (increase({__name__=~"vmagent_remotewrite_(samples|packets)_dropped_total"}[${STACK_COUNT_WINDOW}]))`,
    remoteWriteErrors:
      `sum ${by} (increase({__name__=~"vmagent_remotewrite_errors_total|vmagent_remotewrite_requests_total",` +
      `status_code!~"2.."}[${STACK_COUNT_WINDOW}]))`,
    componentsUp: `max by (${LABELS.cluster}, ${COMPONENT_LABEL}, instance) (up{${COMPONENT_LABEL}=~"${HUB_COMPONENTS.join('|')}"})`,
  };
}

/**
 * The trends of every cluster, for the cards: samples/s and queue bytes over the last hour.
 *
 * @public
 */
export function stackTrendQueries(): {
  samplesPerSecond: string;
  queueBytes: string;
} {
  return {
    samplesPerSecond: `sum by (${LABELS.cluster}) (rate(vmagent_remotewrite_block_size_rows_sum[${STACK_RATE_WINDOW}]))`,
    queueBytes: `sum by (${LABELS.cluster}) (vmagent_remotewrite_pending_data_bytes)`,
  };
}
