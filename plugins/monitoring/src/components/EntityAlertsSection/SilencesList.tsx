import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { EntitySilence } from '@hubspoke/backstage-plugin-monitoring-common';
import { formatDateTime } from '../../utils/format';

/** The service's silences, with Expire when allowed; nothing without silences. */
export function SilencesList(props: {
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
