export { AlertTimeline } from './AlertTimeline';
export type { AlertTimelineProps } from './AlertTimeline';
