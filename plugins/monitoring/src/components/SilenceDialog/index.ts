export { SilenceDialog, SILENCE_DURATIONS } from './SilenceDialog';
export type { SilenceDialogProps } from './SilenceDialog';
