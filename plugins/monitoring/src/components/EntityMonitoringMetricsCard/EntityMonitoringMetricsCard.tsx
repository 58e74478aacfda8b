import { getCompoundEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import { MONITORING_ANNOTATIONS } from '@hubspoke/backstage-plugin-monitoring-common';
import { useMemo, useState } from 'react';
import { useEntityMetrics } from '../../hooks/useEntityMetrics';
import { useMonitoringTabLink } from '../../hooks/useMonitoringTabLink';
import { isMonitoringAvailable } from '../../utils/isMonitoringAvailable';
import {
  CARD_SUMMARY_PANELS,
  failedPanels,
  isEmptyResponse,
} from '../../utils/summary';
import { MetricsSummaryTable } from '../MetricsSummaryTable';

const HOUR = 3_600_000;

/** @public */
export interface EntityMonitoringMetricsCardProps {
  /** Card title; "Monitoring" by default. */
  title?: string;
  /** Where "View monitoring" points; by default the Monitoring tab, when the app mounts it. */
  tabLink?: string;
}

function CardBody() {
  const { entity } = useEntity();
  const [to] = useState(() => new Date());
  const entityRef = useMemo(() => getCompoundEntityRef(entity), [entity]);
  const { value, loading, error } = useEntityMetrics(entityRef, HOUR, to);

  if (loading) return <Progress />;
  if (error)
    return <ResponseErrorPanel error={error} title="Could not load metrics" />;
  if (!value) return null;
  if (isEmptyResponse(value)) {
    return (
      <Typography variant="body2" color="textSecondary">
        No series matched service "{value.service}" in any environment in the
        last hour.
      </Typography>
    );
  }
  const failed = failedPanels(value);
  return (
    <>
      <MetricsSummaryTable
        response={value}
        columns={CARD_SUMMARY_PANELS}
        size="small"
      />
      {failed.length > 0 && (
        <Typography variant="caption" color="textSecondary">
          Unavailable: {failed.map(p => p.title).join(', ')}
        </Typography>
      )}
    </>
  );
}

/**
 * A compact overview card: the latest request rate, error ratio and p95 latency per
 * environment over the last hour, with a link to the Monitoring tab.
 *
 * @public
 */
export function EntityMonitoringMetricsCard(
  props: EntityMonitoringMetricsCardProps,
) {
  const { title = 'Monitoring' } = props;
  const { entity } = useEntity();
  const routedLink = useMonitoringTabLink();
  const link = props.tabLink ?? routedLink;
  const available = isMonitoringAvailable(entity);

  return (
    <InfoCard
      title={title}
      subheader={available ? 'Latest values, last hour' : undefined}
      deepLink={
        available && link ? { link, title: 'View monitoring' } : undefined
      }
    >
      {available ? (
        <CardBody />
      ) : (
        <MissingAnnotationEmptyState annotation={[...MONITORING_ANNOTATIONS]} />
      )}
    </InfoCard>
  );
}
