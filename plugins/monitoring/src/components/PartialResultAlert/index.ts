export { PartialResultAlert } from './PartialResultAlert';
export type { PartialResultAlertProps } from './PartialResultAlert';
