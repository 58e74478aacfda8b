export { EntityAlertsSection, AlertsTable } from './EntityAlertsSection';
