import { Entity } from '@backstage/catalog-model';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { ANNOTATION_CLUSTER_NAME } from '@hubspoke/backstage-plugin-monitoring-common';
import { useStackHealth } from '../../hooks/useStackHealth';
import { useStackLink } from '../../hooks/useStackLink';
import {
  HubComponentsTable,
  ResourcesSection,
  SpokeSummary,
} from '../StackHealth';

/** The `cluster` label of a cluster entity: its annotation, else its name. */
export function clusterNameOf(entity: Entity): string {
  return (
    entity.metadata.annotations?.[ANNOTATION_CLUSTER_NAME] ??
    entity.metadata.name
  );
}

/** @public */
export interface EntityMonitoringClusterCardProps {
  title?: string;
}

/**
 * The monitoring stack's health for a `kubernetes-cluster` Resource: its vmagent's verdict,
 * lag, samples/s, series, queue and drops with the last hour's trends, the readiness of its
 * VictoriaMetrics resources as its Kubernetes API reports them; on the hub, its components too.
 */
export function EntityMonitoringClusterCard(
  props: EntityMonitoringClusterCardProps,
) {
  const { entity } = useEntity();
  const cluster = clusterNameOf(entity);
  const stack = useStackHealth();
  const link = useStackLink();
  const deepLink = link ? { title: 'The whole stack', link } : undefined;
  const title = props.title ?? 'Monitoring stack';

  if (stack.error)
    return (
      <ResponseErrorPanel
        error={stack.error}
        title="Could not load the stack's health"
      />
    );
  if (!stack.value) {
    return (
      <InfoCard title={title}>
        <Progress />
      </InfoCard>
    );
  }
  const spoke = stack.value.clusters.find(c => c.cluster === cluster);
  if (!spoke) {
    return (
      <InfoCard title={title} deepLink={deepLink}>
        <EmptyState
          missing="data"
          title={`No series from cluster "${cluster}"`}
          description={`No vmagent wrote series with cluster="${cluster}" to the hub in the last day. If its vmagent uses another name, set the ${ANNOTATION_CLUSTER_NAME} annotation.`}
        />
      </InfoCard>
    );
  }
  const components = stack.value.components.filter(c => c.cluster === cluster);
  return (
    <InfoCard
      title={title}
      subheader={`${spoke.hub ? 'hub' : 'spoke'} · cluster="${cluster}"`}
      deepLink={deepLink}
    >
      <SpokeSummary spoke={spoke} countWindow={stack.value.countWindow} />
      <ResourcesSection spoke={spoke} />
      {spoke.hub && (
        <Box mt={2}>
          <Typography variant="subtitle2" gutterBottom>
            Hub components
          </Typography>
          <HubComponentsTable components={components} />
        </Box>
      )}
    </InfoCard>
  );
}
