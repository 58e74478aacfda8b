export { ClusterResourcesTable, formatResourceAge } from './ClusterResources';
