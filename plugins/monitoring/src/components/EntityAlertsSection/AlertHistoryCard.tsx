import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useEntityAlertHistory } from '../../hooks/useEntityAlerts';
import { AlertTimeline } from '../AlertTimeline';

const DAY = 24 * 3600_000;

/** The entity's pending and firing intervals over the day up to `to`. */
export function AlertHistoryCard(props: {
  entityRef: CompoundEntityRef;
  to: Date;
}) {
  const { value, loading, error } = useEntityAlertHistory(
    props.entityRef,
    DAY,
    props.to,
  );
  return (
    <InfoCard title="Last 24 hours" subheader="Red: firing; amber: pending">
      {loading && <Progress />}
      {error && (
        <ResponseErrorPanel
          error={error}
          title="Could not load the alert history"
        />
      )}
      {value && <AlertTimeline history={value} />}
    </InfoCard>
  );
}
