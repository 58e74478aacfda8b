import { CompoundEntityRef } from '@backstage/catalog-model';
import { useEntityRange } from './useEntityRange';

/** The entity's metrics over `[to - rangeMs, to]`. */
export const useEntityMetrics = (
  entityRef: CompoundEntityRef,
  rangeMs: number,
  to: Date,
) =>
  useEntityRange(
    (api, ref, range) => api.getEntityMetrics(ref, range),
    entityRef,
    rangeMs,
    to,
  );
