export { EntityAlertsSection } from './EntityAlertsSection';
export { AlertsTable } from './AlertsTable';
