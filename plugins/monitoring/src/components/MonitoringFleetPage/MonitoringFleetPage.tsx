import { parseEntityRef } from '@backstage/catalog-model';
import {
  Content,
  ContentHeader,
  EmptyState,
  Header,
  Link,
  Page,
  Progress,
  ResponseErrorPanel,
  TabbedLayout,
} from '@backstage/core-components';
import {
  identityApiRef,
  useApi,
  useRouteRef,
} from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Switch from '@material-ui/core/Switch';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles, Theme, useTheme } from '@material-ui/core/styles';
import {
  FleetCell,
  FleetHealth,
  FleetResponse,
  FleetRow,
  ownerEntityRef,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { useEffect, useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { monitoringApiRef } from '../../api';
import { formatValue } from '../format';
import { Sparkline } from '../Sparkline';
import { StackHealthTab } from '../StackHealth';

export const FLEET_PAGE_SIZE = 50;

const useStyles = makeStyles(theme => ({
  filters: {
    display: 'flex',
    gap: theme.spacing(2),
    alignItems: 'center',
    flexWrap: 'wrap',
    marginBottom: theme.spacing(2),
  },
  cell: {
    display: 'inline-flex',
    flexDirection: 'column',
    gap: 2,
    padding: theme.spacing(0.5, 1),
    borderRadius: theme.shape.borderRadius,
    borderLeft: '4px solid',
    minWidth: 120,
  },
  numbers: { whiteSpace: 'nowrap' },
  nowrap: { whiteSpace: 'nowrap' },
}));

export function healthColor(theme: Theme, health: FleetHealth): string {
  switch (health) {
    case 'critical':
      return theme.palette.error.main;
    case 'warning':
      return theme.palette.warning.main;
    case 'ok':
      return theme.palette.success.main;
    default:
      return theme.palette.grey[400];
  }
}

function HealthCell(props: {
  cell: FleetCell | undefined;
  environment: string;
  service: string;
  alerts: FleetResponse['alerts'];
}) {
  const { cell, environment, service, alerts } = props;
  const classes = useStyles();
  const theme = useTheme();
  const firing = alerts === 'ok' && cell ? cell.firingAlerts : null;
  if (!cell || cell.health === 'no-data') {
    return (
      <Typography variant="caption" color="textSecondary" data-health="no-data">
        no data
      </Typography>
    );
  }
  const color = healthColor(theme, cell.health);
  let alertText = '';
  if (firing === null) alertText = ' · alerts unknown';
  else if (firing > 0) alertText = ` · ${firing} firing`;
  return (
    <Box
      className={classes.cell}
      style={{ borderLeftColor: color }}
      data-health={cell.health}
      aria-label={`${service} in ${environment}: ${cell.health}`}
    >
      <Typography variant="caption" style={{ color, fontWeight: 600 }}>
        {cell.health}
        {alertText}
      </Typography>
      <Typography variant="caption" className={classes.numbers}>
        {formatValue('reqps', cell.requestRate)} ·{' '}
        {formatValue('ratio', cell.errorRatio)}
      </Typography>
      <Typography variant="caption" className={classes.numbers}>
        p95 {formatValue('seconds', cell.latencyP95)}
      </Typography>
      <Sparkline
        values={cell.sparkline}
        color={color}
        label={`${service} in ${environment}: requests, last 24 h`}
      />
    </Box>
  );
}

/** The row's owner as an entity ref, in the row's own namespace (as the catalog reads it). */
const ownerRef = (row: FleetRow) =>
  row.owner
    ? ownerEntityRef(row.owner, parseEntityRef(row.entityRef).namespace)
    : undefined;

/** The row's Monitoring tab, through the catalog's entity route (wherever the app mounts it). */
function useMonitoringTabPath(): (row: FleetRow) => string {
  const entityRoute = useRouteRef(entityRouteRef);
  return row => {
    const { kind, namespace, name } = parseEntityRef(row.entityRef);
    const page = entityRoute({ kind: kind.toLowerCase(), namespace, name });
    // Components have the Monitoring tab; other kinds link to their page.
    return kind.toLowerCase() === 'component' ? `${page}/monitoring` : page;
  };
}

/** The services table: filters, one row per service, one column per environment, paginated. */
export function FleetServicesTable(props: {
  response: FleetResponse;
  ownershipRefs: string[];
}) {
  const { response, ownershipRefs } = props;
  const classes = useStyles();
  const entityPath = useMonitoringTabPath();
  const owned = useMemo(
    () => response.rows.filter(r => ownershipRefs.includes(ownerRef(r) ?? '')),
    [response.rows, ownershipRefs],
  );
  // "My services" starts on when the signed-in user's groups own monitored services.
  const [mine, setMine] = useState(owned.length > 0);
  const [text, setText] = useState('');
  const [system, setSystem] = useState('');
  const [environment, setEnvironment] = useState('');
  const [page, setPage] = useState(0);
  useEffect(() => setPage(0), [mine, text, system, environment]);

  const systems = useMemo(
    () =>
      [
        ...new Set(
          response.rows.map(r => r.system).filter((s): s is string => !!s),
        ),
      ].sort(),
    [response.rows],
  );
  const environments = environment ? [environment] : response.environments;
  const rows = useMemo(() => {
    const q = text.trim().toLowerCase();
    return (mine ? owned : response.rows).filter(
      r =>
        (!system || r.system === system) &&
        (!q ||
          [r.name, r.title ?? '', r.service, r.owner ?? ''].some(v =>
            v.toLowerCase().includes(q),
          )),
    );
  }, [mine, owned, response.rows, system, text]);
  // Clamped here too: the reset above lands one render after a filter change.
  const shownPage = Math.min(
    page,
    Math.max(0, Math.ceil(rows.length / FLEET_PAGE_SIZE) - 1),
  );
  const visible = rows.slice(
    shownPage * FLEET_PAGE_SIZE,
    (shownPage + 1) * FLEET_PAGE_SIZE,
  );

  return (
    <>
      <Box className={classes.filters}>
        <TextField
          label="Search"
          value={text}
          onChange={e => setText(e.target.value)}
          inputProps={{ 'aria-label': 'Search services' }}
        />
        <TextField
          select
          label="System"
          value={system}
          onChange={e => setSystem(e.target.value)}
          style={{ minWidth: 160 }}
          inputProps={{ 'aria-label': 'System' }}
        >
          <MenuItem value="">All systems</MenuItem>
          {systems.map(s => (
            <MenuItem key={s} value={s}>
              {s}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          select
          label="Environment"
          value={environment}
          onChange={e => setEnvironment(e.target.value)}
          style={{ minWidth: 160 }}
          inputProps={{ 'aria-label': 'Environment' }}
        >
          <MenuItem value="">All environments</MenuItem>
          {response.environments.map(e => (
            <MenuItem key={e} value={e}>
              {e}
            </MenuItem>
          ))}
        </TextField>
        <FormControlLabel
          control={
            <Switch
              checked={mine}
              onChange={e => setMine(e.target.checked)}
              color="primary"
            />
          }
          label={`My services (${owned.length})`}
        />
        <Typography variant="caption" color="textSecondary">
          {rows.length} services · worst health first · from{' '}
          {response.source === 'raw'
            ? 'raw series (no recording rules)'
            : 'recording rules'}
          {response.alerts === 'unavailable'
            ? ' · alert source unavailable'
            : ''}
        </Typography>
      </Box>
      {rows.length === 0 ? (
        <EmptyState
          missing="data"
          title="No service matches"
          description="Change the filters, or turn off My services."
        />
      ) : (
        <>
          <Table size="small" aria-label="Services by environment">
            <TableHead>
              <TableRow className={classes.nowrap}>
                <TableCell>Service</TableCell>
                <TableCell>Owner</TableCell>
                <TableCell>System</TableCell>
                <TableCell>Lifecycle</TableCell>
                {environments.map(e => (
                  <TableCell key={e}>{e}</TableCell>
                ))}
              </TableRow>
            </TableHead>
            <TableBody>
              {visible.map(row => (
                <TableRow key={row.entityRef}>
                  <TableCell className={classes.nowrap}>
                    <Link to={entityPath(row)}>{row.title ?? row.name}</Link>
                    <Typography
                      variant="caption"
                      display="block"
                      color="textSecondary"
                    >
                      service="{row.service}"
                      {row.namespace ? ` · ${row.namespace}` : ''}
                    </Typography>
                  </TableCell>
                  <TableCell className={classes.nowrap}>{row.owner}</TableCell>
                  <TableCell className={classes.nowrap}>{row.system}</TableCell>
                  <TableCell className={classes.nowrap}>
                    {row.lifecycle}
                  </TableCell>
                  {environments.map(e => (
                    <TableCell key={e}>
                      <HealthCell
                        cell={row.cells[e]}
                        environment={e}
                        service={row.name}
                        alerts={response.alerts}
                      />
                    </TableCell>
                  ))}
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <TablePagination
            component="div"
            count={rows.length}
            page={shownPage}
            rowsPerPage={FLEET_PAGE_SIZE}
            rowsPerPageOptions={[FLEET_PAGE_SIZE]}
            onPageChange={(_, p) => setPage(p)}
          />
        </>
      )}
    </>
  );
}

/** The Services tab: the fleet, loaded with the signed-in user's ownership for "My services". */
function FleetServicesTab() {
  const api = useApi(monitoringApiRef);
  const identityApi = useApi(identityApiRef);
  const fleet = useAsyncRetry(() => api.getFleet(), [api]);
  const identity = useAsync(
    () => identityApi.getBackstageIdentity(),
    [identityApi],
  );

  let body;
  if (fleet.error)
    body = (
      <ResponseErrorPanel
        error={fleet.error}
        title="Could not load the fleet"
      />
    );
  else if (!fleet.value || identity.loading) body = <Progress />;
  else if (fleet.value.rows.length === 0) {
    body = (
      <EmptyState
        missing="data"
        title="No monitored services"
        description="No catalog entity you may read has a monitoring annotation (backstage.io/kubernetes-id, monitoring/service-name or backstage.io/kubernetes-label-selector)."
      />
    );
  } else {
    body = (
      <FleetServicesTable
        response={fleet.value}
        ownershipRefs={identity.value?.ownershipEntityRefs ?? []}
      />
    );
  }
  return (
    <>
      <ContentHeader title="Services">
        {fleet.value && (
          <Typography variant="caption" color="textSecondary">
            Read {new Date(fleet.value.generatedAt).toLocaleTimeString()}
          </Typography>
        )}
      </ContentHeader>
      {body}
    </>
  );
}

/**
 * The catalog-wide monitoring page: every monitored service the signed-in user may read, in
 * every environment, worst health first (Services); the health of the stack itself (Stack).
 *
 * @public
 */
export function MonitoringFleetPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Monitoring"
        subtitle="Every monitored service, in every environment, and the stack itself"
      />
      <TabbedLayout>
        <TabbedLayout.Route path="/" title="Services">
          <Content>
            <FleetServicesTab />
          </Content>
        </TabbedLayout.Route>
        <TabbedLayout.Route path="/stack" title="Stack">
          <Content>
            <ContentHeader title="Stack" />
            <StackHealthTab />
          </Content>
        </TabbedLayout.Route>
      </TabbedLayout>
    </Page>
  );
}
