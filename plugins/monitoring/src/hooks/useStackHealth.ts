import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { monitoringApiRef } from '../api';

/** The stack's health, loaded from the backend, with its loading and error states. */
export function useStackHealth() {
  const api = useApi(monitoringApiRef);
  return useAsyncRetry(() => api.getStack(), [api]);
}
