import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { monitoringApiRef } from '../api';

/**
 * Fetches an entity's metrics for `[to - rangeMs, to]`; fetches again whenever the entity, the
 * range or `to` changes. Results of superseded requests are dropped by `useAsyncRetry`.
 */
export function useEntityMetrics(
  entityRef: CompoundEntityRef,
  rangeMs: number,
  to: Date,
) {
  const api = useApi(monitoringApiRef);
  const ref = stringifyEntityRef(entityRef);
  const toMs = to.getTime();
  return useAsyncRetry(
    () =>
      api.getEntityMetrics(entityRef, {
        from: new Date(toMs - rangeMs),
        to: new Date(toMs),
      }),
    // entityRef is compared through its string form: callers may build a new object each render.
    [api, ref, rangeMs, toMs],
  );
}
