import { createRouteRef } from '@backstage/core-plugin-api';

/** Where the entity page mounts the Monitoring tab. */
export const rootRouteRef = createRouteRef({
  id: 'monitoring',
});
