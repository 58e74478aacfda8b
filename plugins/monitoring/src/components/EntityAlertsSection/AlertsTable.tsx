import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { EntityAlertsResponse } from '@hubspoke/backstage-plugin-monitoring-common';
import { EnvironmentCell } from './EnvironmentCell';
import { RuleLinks } from './RuleLinks';
import { SilenceTarget } from './types';

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
              <RuleLinks rule={rule} />
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
