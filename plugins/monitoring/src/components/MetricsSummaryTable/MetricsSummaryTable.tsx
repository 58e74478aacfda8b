import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Tooltip from '@material-ui/core/Tooltip';
import { makeStyles } from '@material-ui/core/styles';
import {
  EntityMetricsResponse,
  PanelResult,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { environmentColor } from '../../utils/environmentColors';
import { formatValue, NO_DATA } from '../../utils/format';
import {
  latestValue,
  orderedEnvironments,
  TAB_SUMMARY_PANELS,
} from '../../utils/summary';

const useStyles = makeStyles(theme => ({
  dot: {
    display: 'inline-block',
    width: 10,
    height: 10,
    borderRadius: '50%',
    marginRight: theme.spacing(1),
  },
  missing: { color: theme.palette.text.secondary, fontStyle: 'italic' },
}));

export interface MetricsSummaryTableProps {
  response: EntityMetricsResponse;
  /** Panels to show as columns, in order; those absent from the response are skipped. */
  columns?: ReadonlyArray<{ id: string; label: string }>;
  size?: 'small' | 'medium';
}

/**
 * Picks the columns: the requested panels the response has, or, for a profile with other panel
 * ids (one defined in config), its first panels under their own titles.
 */
function resolveColumns(
  response: EntityMetricsResponse,
  wanted: ReadonlyArray<{ id: string; label: string }>,
): Array<{ label: string; panel: PanelResult }> {
  const found = wanted.flatMap(c => {
    const panel = response.panels.find(p => p.id === c.id);
    return panel ? [{ label: c.label, panel }] : [];
  });
  if (found.length > 0) return found;
  return response.panels
    .slice(0, wanted.length)
    .map(panel => ({ label: panel.title, panel }));
}

/** The latest value of each panel per environment, one row per environment. */
export function MetricsSummaryTable(props: MetricsSummaryTableProps) {
  const { response, columns = TAB_SUMMARY_PANELS, size = 'medium' } = props;
  const classes = useStyles();
  const resolved = resolveColumns(response, columns);

  return (
    <Table size={size} aria-label="Latest values by environment">
      <TableHead>
        <TableRow>
          <TableCell>Environment</TableCell>
          {resolved.map(c => (
            <TableCell key={c.panel.id} align="right">
              {c.label}
            </TableCell>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>
        {orderedEnvironments(response).map(environment => (
          <TableRow key={environment}>
            <TableCell component="th" scope="row">
              <Box display="flex" alignItems="center">
                <span
                  className={classes.dot}
                  style={{ backgroundColor: environmentColor(environment) }}
                  aria-hidden
                />
                {environment}
              </Box>
            </TableCell>
            {resolved.map(({ panel }) => {
              if (panel.error) {
                return (
                  <TableCell
                    key={panel.id}
                    align="right"
                    className={classes.missing}
                  >
                    <Tooltip title={panel.error}>
                      <span>unavailable</span>
                    </Tooltip>
                  </TableCell>
                );
              }
              const text = formatValue(
                panel.unit,
                latestValue(panel, environment),
              );
              return (
                <TableCell
                  key={panel.id}
                  align="right"
                  className={text === NO_DATA ? classes.missing : undefined}
                >
                  {text}
                </TableCell>
              );
            })}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
