import { getCompoundEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { hasSloAnnotations } from '@hubspoke/backstage-plugin-monitoring-common';
import { useEffect, useMemo } from 'react';
import { useEntitySlo } from '../../hooks/useEntitySlo';
import { formatDateTime } from '../../utils/format';
import { SloEmptyState, SloSummary } from './SloSummary';

/**
 * The entity's objectives from the backend, or the empty state without asking it when the
 * entity declares none. Shared by the Monitoring tab's section and the overview card.
 */
export function useSloOfEntity(refreshedAt?: Date) {
  const { entity } = useEntity();
  const entityRef = useMemo(() => getCompoundEntityRef(entity), [entity]);
  const declared = hasSloAnnotations(entity.metadata.annotations);
  const state = useEntitySlo(entityRef, declared);
  const { retry } = state;
  useEffect(() => {
    if (refreshedAt) retry();
    // Only a new refresh time reloads; retry is a new function on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [refreshedAt?.getTime()]);
  return { ...state, declared, name: entityRef.name };
}

/** What the section and the card show: progress, the error, the empty state or the objectives. */
export function SloBody(props: {
  slo: ReturnType<typeof useSloOfEntity>;
  compact?: boolean;
}) {
  const { slo, compact } = props;
  if (!slo.declared) return <SloEmptyState compact={compact} />;
  if (slo.error && !slo.value) {
    return (
      <ResponseErrorPanel
        error={slo.error}
        title="Could not load the service level objectives"
      />
    );
  }
  if (!slo.value) return <Progress />;
  return (
    <>
      {slo.loading && <Progress />}
      <SloSummary name={slo.name} response={slo.value} compact={compact} />
    </>
  );
}

/**
 * The Monitoring tab's section on service level objectives: per objective and environment the
 * budget left, the SLI, the burn rate per window against the alert thresholds, the burn-rate
 * alerts, and the budget over the period. A new `refreshedAt` reads them again.
 */
export function EntitySloSection(props: { refreshedAt?: Date }) {
  const slo = useSloOfEntity(props.refreshedAt);
  const value = slo.declared ? slo.value : undefined;
  return (
    <InfoCard
      title="Service level objectives"
      subheader={
        value && value.objectives.length > 0
          ? `Rolling ${value.period} · read ${formatDateTime(Date.parse(value.evaluatedAt))}`
          : undefined
      }
    >
      <SloBody slo={slo} />
    </InfoCard>
  );
}
