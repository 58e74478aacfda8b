import { EmptyState, InfoCard } from '@backstage/core-components';
import Grid from '@material-ui/core/Grid';
import {
  ANNOTATION_SERVICE_NAME,
  EntityMetricsResponse,
  SERVICE_POD_LABELS,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { MetricsSummaryTable } from '../MetricsSummaryTable';
import { PanelChart } from '../PanelChart';
import { PartialResultAlert } from '../PartialResultAlert';
import {
  environmentsWithoutData,
  failedPanels,
  isEmptyResponse,
  orderedEnvironments,
} from '../../utils/summary';

export interface EntityMetricsViewProps {
  response: EntityMetricsResponse;
  /** The range that was asked for, used when the response's own range does not parse. */
  from: Date;
  to: Date;
  /** e.g. "Last 1 hour", for the empty state. */
  rangeLabel: string;
  /** Called with the range a user drags across a chart. */
  onZoom?: (from: number, to: number) => void;
  /** The service's dashboard, linked from every panel. */
  dashboardUrl?: string;
}

function time(iso: string, fallback: Date): number {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? fallback.getTime() : t;
}

/** A loaded response: the empty state, or the partial-result warning, summary and charts. */
export function EntityMetricsView(props: EntityMetricsViewProps) {
  const { response, rangeLabel } = props;

  if (isEmptyResponse(response)) {
    return (
      <EmptyState
        missing="data"
        title={`No series matched service "${response.service}" in any environment`}
        description={
          `In the ${rangeLabel.toLowerCase()}, no environment returned a series with service="${response.service}" ` +
          `(profile ${response.profile}). Check that the service's pods carry the ` +
          `${SERVICE_POD_LABELS.join(' or ')} label, which the spokes copy into the "service" ` +
          `label, or set the ${ANNOTATION_SERVICE_NAME} annotation on this entity to the value ` +
          'its series carry. If the service only ran earlier, try a wider time range.'
        }
      />
    );
  }

  const environments = orderedEnvironments(response);
  const from = time(response.from, props.from);
  const to = time(response.to, props.to);

  return (
    <Grid container spacing={3}>
      {(failedPanels(response).length > 0 ||
        environmentsWithoutData(response).length > 0) && (
        <Grid item xs={12}>
          <PartialResultAlert response={response} />
        </Grid>
      )}
      <Grid item xs={12}>
        <InfoCard
          title="Latest values"
          subheader={`Last value per environment, ${rangeLabel.toLowerCase()}`}
          noPadding
        >
          <MetricsSummaryTable response={response} />
        </InfoCard>
      </Grid>
      {response.panels.map(panel => (
        <Grid item xs={12} md={6} key={panel.id}>
          <PanelChart
            panel={panel}
            environments={environments}
            from={from}
            to={to}
            onZoom={props.onZoom}
            dashboardUrl={props.dashboardUrl}
          />
        </Grid>
      ))}
    </Grid>
  );
}
