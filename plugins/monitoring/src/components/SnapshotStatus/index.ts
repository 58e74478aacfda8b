export { snapshotCaption, StaleSnapshotWarning } from './SnapshotStatus';
