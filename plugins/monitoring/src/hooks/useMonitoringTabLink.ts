import { useRouteRef } from '@backstage/core-plugin-api';
import { rootRouteRef } from '../routes';

/**
 * The Monitoring tab's path for the current entity, or undefined when the app did not mount the
 * tab (a card then shows no link rather than a broken one). useRouteRef throws only after its
 * own hooks have run, so catching keeps the hook order stable.
 */
export function useMonitoringTabLink(): string | undefined {
  try {
    return useRouteRef(rootRouteRef)();
  } catch {
    return undefined;
  }
}
