export { AlertStateChip } from './AlertStateChip';
export type { AlertStateChipProps } from './AlertStateChip';
