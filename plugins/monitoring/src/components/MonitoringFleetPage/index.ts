export { MonitoringFleetPage } from './MonitoringFleetPage';
export { FleetServicesTable } from './FleetServicesTable';
