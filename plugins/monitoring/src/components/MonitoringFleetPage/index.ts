export { MonitoringFleetPage, FleetServicesTable } from './MonitoringFleetPage';
