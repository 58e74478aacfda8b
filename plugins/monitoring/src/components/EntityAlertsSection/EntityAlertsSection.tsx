import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  CreateSilenceRequest,
  monitoringAlertsSilencePermission,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { useEffect, useState } from 'react';
import { monitoringApiRef } from '../../api';
import { useEntityAlerts } from '../../hooks/useEntityAlerts';
import { errorReason } from '../../utils/alertFormat';
import { formatDateTime } from '../../utils/format';
import { AlertStateChip } from '../AlertStateChip';
import { SilenceDialog } from '../SilenceDialog';
import { AlertHistoryCard } from './AlertHistoryCard';
import { AlertsTable } from './AlertsTable';
import { SilencesList } from './SilencesList';
import { SilenceTarget } from './types';

const useStyles = makeStyles(theme => ({
  header: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    flexWrap: 'wrap',
  },
  spacer: { flexGrow: 1 },
}));

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
