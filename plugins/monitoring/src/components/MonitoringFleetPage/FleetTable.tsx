import { Link } from '@backstage/core-components';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import TableSortLabel from '@material-ui/core/TableSortLabel';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { memo } from 'react';
import {
  FLEET_PAGE_SIZE,
  FleetResponse,
  FleetRow,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { FleetSort, worstBudget } from '../../utils/fleetRows';
import { BudgetIndicator } from './BudgetIndicator';
import { HealthCell } from './HealthCell';

/** The page sizes to choose from (the backend takes up to FLEET_PAGE_SIZE.max). */
export const FLEET_PAGE_SIZES = [25, 50, 100, FLEET_PAGE_SIZE.max];

const useStyles = makeStyles({
  nowrap: { whiteSpace: 'nowrap' },
});

/**
 * One service's row. Memoized: a re-render of the table with the same answer (the progress bar
 * of the next request, a keystroke in the search box) leaves its rows alone.
 */
const FleetTableRow = memo(function FleetRowOfTable(props: {
  row: FleetRow;
  href: string;
  environments: string[];
  alerts: FleetResponse['alerts'];
}) {
  const { row, href, environments, alerts } = props;
  const classes = useStyles();
  return (
    <TableRow>
      <TableCell className={classes.nowrap}>
        <Link to={href}>{row.title ?? row.name}</Link>
        <Typography variant="caption" display="block" color="textSecondary">
          service="{row.service}"{row.namespace ? ` · ${row.namespace}` : ''}
        </Typography>
      </TableCell>
      <TableCell className={classes.nowrap}>{row.owner}</TableCell>
      <TableCell className={classes.nowrap}>{row.system}</TableCell>
      <TableCell className={classes.nowrap}>{row.lifecycle}</TableCell>
      <TableCell aria-label={`${row.name}: worst budget`}>
        <BudgetIndicator
          remaining={worstBudget(row, environments)}
          variant="body2"
        />
      </TableCell>
      {environments.map(e => (
        <TableCell key={e}>
          <HealthCell
            cell={row.cells[e]}
            environment={e}
            service={row.name}
            alerts={alerts}
          />
        </TableCell>
      ))}
    </TableRow>
  );
});

/**
 * One page of services, one row each, one column per environment, as the backend paged them:
 * `page` (0-based) of `pageSize` rows out of `total`.
 */
export function FleetTable(props: {
  rows: FleetRow[];
  environments: string[];
  alerts: FleetResponse['alerts'];
  entityPath(row: FleetRow): string;
  total: number;
  page: number;
  pageSize: number;
  onPageChange(page: number): void;
  onPageSizeChange(pageSize: number): void;
  sort: FleetSort;
  /** The budget column's header was clicked. */
  onSortByBudget(): void;
}) {
  const {
    rows,
    environments,
    alerts,
    entityPath,
    total,
    page,
    pageSize,
    onPageChange,
    onPageSizeChange,
    sort,
    onSortByBudget,
  } = props;
  const classes = useStyles();
  return (
    <>
      <Table size="small" aria-label="Services by environment">
        <TableHead>
          <TableRow className={classes.nowrap}>
            <TableCell>Service</TableCell>
            <TableCell>Owner</TableCell>
            <TableCell>System</TableCell>
            <TableCell>Lifecycle</TableCell>
            <TableCell
              sortDirection={sort.by === 'budget' ? sort.direction : false}
            >
              <Tooltip title="Error budget left of the worst objective, in the worst environment shown; sort lowest first, highest first, then back to worst health first">
                <TableSortLabel
                  active={sort.by === 'budget'}
                  direction={sort.by === 'budget' ? sort.direction : 'asc'}
                  onClick={onSortByBudget}
                >
                  Budget
                </TableSortLabel>
              </Tooltip>
            </TableCell>
            {environments.map(e => (
              <TableCell key={e}>{e}</TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map(row => (
            <FleetTableRow
              key={row.entityRef}
              row={row}
              href={entityPath(row)}
              environments={environments}
              alerts={alerts}
            />
          ))}
        </TableBody>
      </Table>
      <TablePagination
        component="div"
        count={total}
        page={page}
        rowsPerPage={pageSize}
        rowsPerPageOptions={
          FLEET_PAGE_SIZES.includes(pageSize)
            ? FLEET_PAGE_SIZES
            : [...FLEET_PAGE_SIZES, pageSize].sort((a, b) => a - b)
        }
        onPageChange={(_, p) => onPageChange(p)}
        onRowsPerPageChange={e => onPageSizeChange(Number(e.target.value))}
      />
    </>
  );
}
