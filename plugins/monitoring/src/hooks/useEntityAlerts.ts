import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { monitoringApiRef } from '../api';
import { useEntityRange } from './useEntityRange';

/** The entity's alerts; `retry()` reads them again (after a silence changed, say). */
export function useEntityAlerts(entityRef: CompoundEntityRef) {
  const api = useApi(monitoringApiRef);
  const ref = stringifyEntityRef(entityRef);
  // entityRef is compared through its string form: callers may build a new object each render.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  return useAsyncRetry(() => api.getEntityAlerts(entityRef), [api, ref]);
}

/** Pending and firing intervals over `[to - rangeMs, to]`. */
export const useEntityAlertHistory = (
  entityRef: CompoundEntityRef,
  rangeMs: number,
  to: Date,
) =>
  useEntityRange(
    (api, ref, range) => api.getEntityAlertHistory(ref, range),
    entityRef,
    rangeMs,
    to,
  );
