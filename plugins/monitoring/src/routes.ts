import { createRouteRef } from '@backstage/core-plugin-api';

/** Where the entity page mounts the Monitoring tab. */
export const rootRouteRef = createRouteRef({
  id: 'monitoring',
});

/** The catalog-wide fleet page (`/monitoring` in the example app). */
export const fleetRouteRef = createRouteRef({
  id: 'monitoring-fleet',
});
