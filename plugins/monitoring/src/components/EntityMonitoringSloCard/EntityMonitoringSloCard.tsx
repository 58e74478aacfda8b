import { InfoCard } from '@backstage/core-components';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import { MONITORING_ANNOTATIONS } from '@hubspoke/backstage-plugin-monitoring-common';
import { useMonitoringTabLink } from '../../hooks/useMonitoringTabLink';
import { isMonitoringAvailable } from '../../utils/isMonitoringAvailable';
import { SloBody, useSloOfEntity } from '../EntitySloSection';

/** @public */
export interface EntityMonitoringSloCardProps {
  /** Card title; "Service level objectives" by default. */
  title?: string;
}

function CardBody() {
  const slo = useSloOfEntity();
  return <SloBody slo={slo} compact />;
}

/**
 * Overview card: per objective and environment, the error budget left (in percent and minutes
 * of full outage), the SLI, when the budget runs out and the firing burn-rate alerts; the burn
 * rates and the budget's chart are on the Monitoring tab.
 *
 * @public
 */
export function EntityMonitoringSloCard(props: EntityMonitoringSloCardProps) {
  const { title = 'Service level objectives' } = props;
  const { entity } = useEntity();
  const link = useMonitoringTabLink();
  const available = isMonitoringAvailable(entity);
  return (
    <InfoCard
      title={title}
      deepLink={
        available && link ? { link, title: 'View burn rates' } : undefined
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
