import { useRouteRef } from '@backstage/core-plugin-api';
import { fleetRouteRef } from '../routes';

/** The fleet page's Stack tab, or undefined when the app does not mount the fleet page. */
export function useStackLink(): string | undefined {
  // The app may not mount the fleet page; the card then links nowhere.
  try {
    return `${useRouteRef(fleetRouteRef)()}/stack`;
  } catch {
    return undefined;
  }
}
