import { getCompoundEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  EntityAlertsResponse,
  hasAlertAnnotations,
  MONITORING_ANNOTATIONS,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { useMemo } from 'react';
import { useEntityAlerts } from '../../hooks/useEntityAlerts';
import { useMonitoringTabLink } from '../../hooks/useMonitoringTabLink';
import { instanceKey, isSilenced, since } from '../../utils/alertFormat';
import { AlertStateChip } from '../AlertStateChip';

const useStyles = makeStyles(theme => ({
  counts: {
    display: 'flex',
    gap: theme.spacing(1),
    marginBottom: theme.spacing(1),
  },
  chips: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5),
    marginTop: theme.spacing(0.5),
  },
}));

/** Counts, then the firing and pending rules with their environments, since when, runbooks. */
export function AlertsSummary(props: { response: EntityAlertsResponse }) {
  const { response } = props;
  const classes = useStyles();
  if (response.rules.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No alert rules select this service
        {response.service ? ` ("${response.service}")` : ''}.
      </Typography>
    );
  }
  const active = response.rules.filter(r => r.state !== 'inactive');
  return (
    <>
      <Box className={classes.counts} aria-label="Alert rules by state">
        <AlertStateChip state="firing" label={String(response.counts.firing)} />
        <AlertStateChip
          state="pending"
          label={String(response.counts.pending)}
        />
        <AlertStateChip
          state="inactive"
          label={String(response.counts.inactive)}
        />
      </Box>
      {active.length === 0 ? (
        <Typography variant="body2">
          All quiet: none of the {response.rules.length} alert rules of this
          service is pending or firing.
        </Typography>
      ) : (
        <List dense disablePadding>
          {active.map(rule => (
            <ListItem key={rule.id} disableGutters divider>
              <ListItemText
                primary={
                  <>
                    <Typography component="span" variant="subtitle2">
                      {rule.name}
                    </Typography>
                    {rule.severity && (
                      <Typography
                        component="span"
                        variant="caption"
                        color="textSecondary"
                      >
                        {' '}
                        · {rule.severity}
                      </Typography>
                    )}
                  </>
                }
                secondaryTypographyProps={{ component: 'div' }}
                secondary={
                  <>
                    {rule.summary && <div>{rule.summary}</div>}
                    <Box className={classes.chips}>
                      {rule.instances.map(i => (
                        <AlertStateChip
                          key={instanceKey(i)}
                          state={i.state}
                          label={`${i.environment}${i.activeAt ? `, ${since(i.activeAt)}` : ''}`}
                          silenced={isSilenced(i)}
                        />
                      ))}
                    </Box>
                    {rule.runbookUrl && (
                      <Link
                        to={rule.runbookUrl}
                        target="_blank"
                        rel="noopener noreferrer"
                      >
                        Runbook
                      </Link>
                    )}
                  </>
                }
              />
            </ListItem>
          ))}
        </List>
      )}
      {response.alertmanager === 'unavailable' && (
        <Typography variant="caption" color="textSecondary">
          Alertmanager did not answer: silence state unknown.
        </Typography>
      )}
    </>
  );
}

function CardBody() {
  const { entity } = useEntity();
  const entityRef = useMemo(() => getCompoundEntityRef(entity), [entity]);
  const { value, loading, error } = useEntityAlerts(entityRef);
  if (loading) return <Progress />;
  if (error)
    return <ResponseErrorPanel error={error} title="Could not load alerts" />;
  if (!value) return null;
  return <AlertsSummary response={value} />;
}

/** @public */
export interface EntityMonitoringAlertsCardProps {
  /** Card title; "Alerts" by default. */
  title?: string;
}

/**
 * Overview card: the entity's alert rules by state, and the firing and pending ones with their
 * environments, since when, and runbook links.
 *
 * @public
 */
export function EntityMonitoringAlertsCard(
  props: EntityMonitoringAlertsCardProps,
) {
  const { title = 'Alerts' } = props;
  const { entity } = useEntity();
  const link = useMonitoringTabLink();
  const available = hasAlertAnnotations(entity.metadata.annotations);
  return (
    <InfoCard
      title={title}
      deepLink={available && link ? { link, title: 'View alerts' } : undefined}
    >
      {available ? (
        <CardBody />
      ) : (
        <MissingAnnotationEmptyState annotation={[...MONITORING_ANNOTATIONS]} />
      )}
    </InfoCard>
  );
}
