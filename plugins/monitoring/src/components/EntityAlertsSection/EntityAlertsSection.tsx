import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  AlertRuleStatus,
  CreateSilenceRequest,
  EntityAlertsResponse,
  EntitySilence,
  monitoringAlertsSilencePermission,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { useEffect, useState } from 'react';
import { monitoringApiRef } from '../../api';
import {
  errorReason,
  formatAlertValue,
  instanceKey,
  isSilenced,
  silenceLabel,
  since,
} from '../alertFormat';
import { AlertStateChip } from '../AlertStateChip';
import { AlertTimeline } from '../AlertTimeline';
import { formatDateTime } from '../format';
import { SilenceDialog } from '../SilenceDialog';
import { useEntityAlertHistory, useEntityAlerts } from '../useEntityAlerts';

const DAY = 24 * 3600_000;

const useStyles = makeStyles(theme => ({
  cellStack: {
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
    alignItems: 'flex-start',
  },
  header: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    flexWrap: 'wrap',
  },
  spacer: { flexGrow: 1 },
}));

interface SilenceTarget {
  alertname?: string;
  environment?: string;
}

function EnvironmentCell(props: {
  rule: AlertRuleStatus;
  environment: string;
  canSilence: boolean;
  onSilence(t: SilenceTarget): void;
}) {
  const { rule, environment, canSilence, onSilence } = props;
  const classes = useStyles();
  const instances = rule.instances.filter(i => i.environment === environment);
  if (instances.length === 0) return <AlertStateChip state="inactive" />;
  return (
    <Box className={classes.cellStack}>
      {instances.map(i => (
        <Box key={instanceKey(i)} className={classes.cellStack}>
          <AlertStateChip
            state={i.state}
            label={i.cluster}
            silenced={isSilenced(i)}
          />
          <Typography variant="caption">
            value {formatAlertValue(i.value)}
            {i.activeAt ? ` · since ${since(i.activeAt)}` : ''}
          </Typography>
          <Typography variant="caption" color="textSecondary">
            {silenceLabel(i)}
          </Typography>
          {canSilence && i.state === 'firing' && !isSilenced(i) && (
            <Button
              size="small"
              variant="outlined"
              onClick={() => onSilence({ alertname: rule.name, environment })}
            >
              Silence
            </Button>
          )}
        </Box>
      ))}
    </Box>
  );
}

function SilencesList(props: {
  silences: EntitySilence[];
  canExpire: boolean;
  onExpire(id: string): void;
}) {
  const { silences, canExpire, onExpire } = props;
  if (silences.length === 0) return null;
  return (
    <Box mt={2}>
      <Typography variant="subtitle2">Silences of this service</Typography>
      <Table size="small" aria-label="Silences">
        <TableHead>
          <TableRow>
            <TableCell>What</TableCell>
            <TableCell>Until</TableCell>
            <TableCell>By</TableCell>
            <TableCell>Comment</TableCell>
            <TableCell />
          </TableRow>
        </TableHead>
        <TableBody>
          {silences.map(s => (
            <TableRow key={s.id}>
              <TableCell>
                {s.alertname ?? 'all alerts'} ·{' '}
                {s.environment ?? 'all environments'}
                {s.state === 'pending' ? ' (starts later)' : ''}
              </TableCell>
              <TableCell>{formatDateTime(Date.parse(s.endsAt))}</TableCell>
              <TableCell>{s.createdBy}</TableCell>
              <TableCell>{s.comment}</TableCell>
              <TableCell>
                {canExpire && (
                  <Button
                    size="small"
                    onClick={() => onExpire(s.id)}
                    aria-label={`Expire silence ${s.id}`}
                  >
                    Expire
                  </Button>
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}

/** The alerts table: one row per rule, one column per environment. */
export function AlertsTable(props: {
  response: EntityAlertsResponse;
  canSilence: boolean;
  onSilence(t: SilenceTarget): void;
}) {
  const { response, canSilence, onSilence } = props;
  return (
    <Table size="small" aria-label="Alerts by environment">
      <TableHead>
        <TableRow>
          <TableCell>Alert</TableCell>
          {response.environments.map(env => (
            <TableCell key={env}>{env}</TableCell>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>
        {response.rules.map(rule => (
          <TableRow key={rule.id}>
            <TableCell>
              <Typography variant="subtitle2">{rule.name}</Typography>
              <Typography variant="caption" color="textSecondary">
                {[rule.severity, rule.group].filter(Boolean).join(' · ')}
              </Typography>
              {rule.summary && (
                <Typography variant="body2">{rule.summary}</Typography>
              )}
              <Box display="flex" gridGap={8}>
                {rule.runbookUrl && (
                  <Link
                    to={rule.runbookUrl}
                    target="_blank"
                    rel="noopener noreferrer"
                  >
                    Runbook
                  </Link>
                )}
                {rule.instances[0]?.sourceUrl && (
                  <Link
                    to={rule.instances[0].sourceUrl}
                    target="_blank"
                    rel="noopener noreferrer"
                  >
                    Source
                  </Link>
                )}
              </Box>
            </TableCell>
            {response.environments.map(env => (
              <TableCell key={env}>
                <EnvironmentCell
                  rule={rule}
                  environment={env}
                  canSilence={canSilence}
                  onSilence={onSilence}
                />
              </TableCell>
            ))}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function AlertHistoryCard(props: { entityRef: CompoundEntityRef; to: Date }) {
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

/** The Alerts section of the Monitoring tab; a new `refreshedAt` reads the alerts again. */
export function EntityAlertsSection(props: {
  entityRef: CompoundEntityRef;
  refreshedAt?: Date;
}) {
  const { entityRef, refreshedAt } = props;
  const classes = useStyles();
  const api = useApi(monitoringApiRef);
  const alertApi = useApi(alertApiRef);
  const { value, loading, error, retry } = useEntityAlerts(entityRef);
  const { allowed: canSilence } = usePermission({
    permission: monitoringAlertsSilencePermission,
    resourceRef: stringifyEntityRef(entityRef),
  });
  const [target, setTarget] = useState<SilenceTarget>();
  const [historyTo, setHistoryTo] = useState(() => refreshedAt ?? new Date());
  useEffect(() => {
    if (!refreshedAt) return;
    retry();
    setHistoryTo(refreshedAt);
    // Only a new refresh time reloads; retry is a new function on every render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [refreshedAt?.getTime()]);

  const silenceAllowed = canSilence && value?.alertmanager === 'ok';
  const createSilence = async (request: CreateSilenceRequest) => {
    await api.createSilence(entityRef, request);
    alertApi.post({
      message: `Silenced ${request.alertname ?? 'all alerts'} for ${request.duration}`,
      severity: 'success',
      display: 'transient',
    });
    retry();
  };
  const expire = async (id: string) => {
    try {
      await api.expireSilence(entityRef, id);
      alertApi.post({
        message: 'Silence expired',
        severity: 'success',
        display: 'transient',
      });
    } catch (e) {
      alertApi.post({
        message: `Could not expire the silence: ${errorReason(e)}`,
        severity: 'error',
      });
    }
    retry();
  };

  let body;
  if (error && !value) {
    body = <ResponseErrorPanel error={error} title="Could not load alerts" />;
  } else if (!value) {
    body = <Progress />;
  } else if (value.rules.length === 0) {
    body = (
      <Typography variant="body2" color="textSecondary">
        No alert rules select this service
        {value.service ? ` ("${value.service}")` : ''}: add a rule with the
        monitor-a-service template, or label your rules with service="
        {value.service ?? '…'}".
      </Typography>
    );
  } else {
    body = (
      <>
        {value.alertmanager === 'unavailable' && (
          <Typography variant="body2" color="textSecondary" role="status">
            Alertmanager did not answer: alert states are vmalert's, silence
            states are unknown.
          </Typography>
        )}
        {value.alertmanager === 'not-configured' && (
          <Typography variant="body2" color="textSecondary" role="status">
            No Alertmanager is configured (monitoring.alertmanager): silences
            are not available.
          </Typography>
        )}
        <AlertsTable
          response={value}
          canSilence={silenceAllowed}
          onSilence={setTarget}
        />
        <SilencesList
          silences={value.silences}
          canExpire={silenceAllowed}
          onExpire={expire}
        />
      </>
    );
  }

  return (
    <>
      <InfoCard
        title={
          <Box className={classes.header}>
            <span>Alerts</span>
            {value && (
              <>
                <AlertStateChip
                  state="firing"
                  label={String(value.counts.firing)}
                />
                <AlertStateChip
                  state="pending"
                  label={String(value.counts.pending)}
                />
              </>
            )}
            <span className={classes.spacer} />
            {silenceAllowed && value && value.rules.length > 0 && (
              <Button
                size="small"
                variant="outlined"
                onClick={() => setTarget({})}
              >
                Silence all…
              </Button>
            )}
          </Box>
        }
        subheader={
          value
            ? `Read ${formatDateTime(Date.parse(value.fetchedAt))}`
            : undefined
        }
      >
        {loading && value && <Progress />}
        {body}
      </InfoCard>
      {value && value.rules.length > 0 && (
        <Box mt={3}>
          <AlertHistoryCard entityRef={entityRef} to={historyTo} />
        </Box>
      )}
      {target && value && (
        <SilenceDialog
          open
          alertname={target.alertname}
          environment={target.environment}
          environments={value.environments}
          onClose={() => setTarget(undefined)}
          onSubmit={createSilence}
        />
      )}
    </>
  );
}
