import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { alpha, makeStyles } from '@material-ui/core/styles';
import { SloWindowBurn } from '@hubspoke/backstage-plugin-monitoring-common';
import {
  alertsOfWindow,
  BurnRateAlertPolicy,
  exceededAlert,
  formatBurnRate,
} from '../../utils/sloFormat';

const useStyles = makeStyles(theme => ({
  table: { width: 'auto' },
  head: { whiteSpace: 'nowrap', fontWeight: 600 },
  page: {
    backgroundColor: alpha(theme.palette.error.main, 0.18),
    color: theme.palette.error.main,
    fontWeight: 700,
  },
  ticket: {
    backgroundColor: alpha(theme.palette.warning.main, 0.2),
    fontWeight: 700,
  },
  threshold: { color: theme.palette.text.secondary, whiteSpace: 'nowrap' },
}));

/** `14.4x page`, `6x page, 1x ticket`: the factors a window alerts at. */
const thresholdsText = (pairs: BurnRateAlertPolicy[]) =>
  pairs.length === 0
    ? '–'
    : pairs.map(p => `${p.factor}x ${p.severity}`).join(', ');

/**
 * The burn rate of each window, and the factors its alert pairs fire at; a window burning
 * faster than a pair it belongs to is marked red (page) or amber (ticket). A pair fires when
 * both its windows exceed the factor.
 */
export function BurnRateTable(props: {
  burnRates: SloWindowBurn[];
  policy: readonly BurnRateAlertPolicy[];
  /** e.g. "payments availability production". */
  label: string;
}) {
  const { burnRates, policy, label } = props;
  const classes = useStyles();
  return (
    <Table
      size="small"
      className={classes.table}
      aria-label={`${label} burn rates`}
    >
      <TableHead>
        <TableRow>
          <TableCell className={classes.head}>Window</TableCell>
          {burnRates.map(b => (
            <TableCell key={b.window} align="right" className={classes.head}>
              {b.window}
            </TableCell>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>
        <TableRow>
          <TableCell component="th" scope="row">
            Burn rate
          </TableCell>
          {burnRates.map(b => {
            const exceeded = exceededAlert(b.window, b.burnRate, policy);
            const text = formatBurnRate(b.burnRate);
            const why = exceeded
              ? `above the ${exceeded.severity} threshold ${exceeded.factor}x`
              : undefined;
            return (
              <TableCell
                key={b.window}
                align="right"
                className={exceeded ? classes[exceeded.severity] : undefined}
                data-exceeds={exceeded?.severity ?? 'none'}
                title={why}
                aria-label={`${b.window} burn rate ${text}${why ? `, ${why}` : ''}`}
              >
                {text}
              </TableCell>
            );
          })}
        </TableRow>
        <TableRow>
          <TableCell component="th" scope="row">
            Alerts at
          </TableCell>
          {burnRates.map(b => (
            <TableCell
              key={b.window}
              align="right"
              className={classes.threshold}
            >
              {thresholdsText(alertsOfWindow(b.window, policy))}
            </TableCell>
          ))}
        </TableRow>
      </TableBody>
    </Table>
  );
}
