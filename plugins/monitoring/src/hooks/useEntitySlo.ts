import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { EntitySloResponse } from '@hubspoke/backstage-plugin-monitoring-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { monitoringApiRef } from '../api';

/**
 * The entity's SLOs; `retry()` reads them again. With `enabled` false nothing is requested
 * and the value stays undefined (an entity that declares no objective).
 */
export function useEntitySlo(entityRef: CompoundEntityRef, enabled = true) {
  const api = useApi(monitoringApiRef);
  const ref = stringifyEntityRef(entityRef);
  return useAsyncRetry(
    async (): Promise<EntitySloResponse | undefined> =>
      enabled ? api.getEntitySlo(entityRef) : undefined,
    // entityRef is compared through its string form: callers may build a new object each render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, ref, enabled],
  );
}
