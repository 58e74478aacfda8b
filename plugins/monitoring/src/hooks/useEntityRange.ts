import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { MetricsTimeRange, MonitoringApi, monitoringApiRef } from '../api';

/**
 * Loads something of an entity over `[to - rangeMs, to]`; loads again whenever the entity, the
 * range or `to` changes. Results of superseded requests are dropped by `useAsyncRetry`.
 */
export function useEntityRange<T>(
  load: (
    api: MonitoringApi,
    entityRef: CompoundEntityRef,
    range: MetricsTimeRange,
  ) => Promise<T>,
  entityRef: CompoundEntityRef,
  rangeMs: number,
  to: Date,
) {
  const api = useApi(monitoringApiRef);
  const ref = stringifyEntityRef(entityRef);
  const toMs = to.getTime();
  return useAsyncRetry(
    () =>
      load(api, entityRef, {
        from: new Date(toMs - rangeMs),
        to: new Date(toMs),
      }),
    // entityRef is compared through its string form: callers may build a new object each render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, ref, rangeMs, toMs],
  );
}
