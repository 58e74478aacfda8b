import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { CreateSilenceRequest } from '@hubspoke/backstage-plugin-monitoring-common';
import { useState } from 'react';
import { errorReason } from '../../utils/alertFormat';

/** The durations on offer (the backend bounds them by `monitoring.alertmanager.maxSilence`). */
export const SILENCE_DURATIONS = [
  { value: '30m', label: '30 minutes' },
  { value: '1h', label: '1 hour' },
  { value: '2h', label: '2 hours' },
  { value: '4h', label: '4 hours' },
  { value: '8h', label: '8 hours' },
  { value: '24h', label: '24 hours' },
] as const;

const ALL = '';

export interface SilenceDialogProps {
  open: boolean;
  /** Silence this alert only, or (undefined) every alert of the entity. */
  alertname?: string;
  /** The environments to offer; "all" is always offered. */
  environments: string[];
  /** Preselected environment. */
  environment?: string;
  onClose(): void;
  /** Resolves when created; a rejection is shown in the dialog. */
  onSubmit(request: CreateSilenceRequest): Promise<void>;
}

/** Asks how long and why; the backend decides what exactly is silenced (the entity's alerts). */
export function SilenceDialog(props: SilenceDialogProps) {
  const { open, alertname, environments, onClose, onSubmit } = props;
  const [duration, setDuration] = useState<string>('1h');
  const [environment, setEnvironment] = useState<string>(
    props.environment ?? ALL,
  );
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onSubmit({
        duration,
        comment: comment.trim(),
        ...(alertname ? { alertname } : {}),
        ...(environment !== ALL ? { environment } : {}),
      });
      setComment('');
      onClose();
    } catch (e) {
      setError(errorReason(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={open}
      onClose={busy ? undefined : onClose}
      aria-labelledby="silence-dialog-title"
      fullWidth
      maxWidth="sm"
    >
      <DialogTitle id="silence-dialog-title">
        Silence {alertname ?? 'all alerts of this service'}
      </DialogTitle>
      <DialogContent>
        <TextField
          select
          fullWidth
          margin="dense"
          label="Duration"
          value={duration}
          onChange={e => setDuration(e.target.value)}
          inputProps={{ 'aria-label': 'Duration' }}
        >
          {SILENCE_DURATIONS.map(d => (
            <MenuItem key={d.value} value={d.value}>
              {d.label}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          select
          fullWidth
          margin="dense"
          label="Environment"
          value={environment}
          onChange={e => setEnvironment(e.target.value)}
          inputProps={{ 'aria-label': 'Environment' }}
        >
          <MenuItem value={ALL}>All environments</MenuItem>
          {environments.map(env => (
            <MenuItem key={env} value={env}>
              {env}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          fullWidth
          required
          multiline
          minRows={2}
          margin="dense"
          label="Comment"
          placeholder="Why, and what is being done about it"
          value={comment}
          onChange={e => setComment(e.target.value)}
          inputProps={{ maxLength: 1000, 'aria-label': 'Comment' }}
        />
        {error && (
          <Typography color="error" variant="body2" role="alert">
            {error}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          Cancel
        </Button>
        <Button
          color="primary"
          variant="contained"
          onClick={submit}
          disabled={busy || !comment.trim()}
        >
          Silence
        </Button>
      </DialogActions>
    </Dialog>
  );
}
