/**
 * The benchmarks' catalog: the test catalog (catalogServiceMock) with an index in front of the
 * two reads the plugin makes on every entity request: `getEntityByRef` (a map) and
 * `getEntities` with filters on annotations (the claimant lookups: an index per annotation).
 *
 * The test catalog scans, and re-derives the search rows of, every entity on each call: at
 * 5,000 entities a claimant lookup costs 40-60 ms of the backend's CPU and a lookup by ref a
 * few ms, which would measure the mock rather than the plugin (a real catalog answers both from
 * its database, in another process). Any other request goes to the test catalog unchanged.
 */
import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  CompoundEntityRef,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';

const ANNOTATION = 'metadata.annotations.';

type Filter = Record<string, string | symbol | (string | symbol)[]>;

/** Keeps `fields` (dot paths without dotted keys, as the plugin asks) of an entity. */
function project(entity: Entity, fields?: string[]): Entity {
  if (!fields?.length) return entity;
  const out: Record<string, any> = {};
  for (const field of fields) {
    const parts = field.split('.');
    let from: any = entity;
    for (const p of parts) from = from?.[p];
    if (from === undefined) continue;
    let to = out;
    for (const p of parts.slice(0, -1)) to = to[p] ??= {};
    to[parts[parts.length - 1]] = from;
  }
  return out as Entity;
}

export function indexedCatalog(entities: Entity[]) {
  const fallback = catalogServiceMock({ entities });
  const byRef = new Map(entities.map(e => [stringifyEntityRef(e), e]));
  const order = new Map(entities.map((e, i) => [e, i]));
  /** annotation -> lower-cased value -> entities; and every entity with the annotation. */
  const index = new Map<string, Map<string, Entity[]>>();
  const having = new Map<string, Entity[]>();
  for (const e of entities) {
    for (const [key, value] of Object.entries(e.metadata.annotations ?? {})) {
      if (!index.has(key)) index.set(key, new Map());
      const values = index.get(key)!;
      const v = value.toLowerCase();
      values.set(v, [...(values.get(v) ?? []), e]);
      having.set(key, [...(having.get(key) ?? []), e]);
    }
  }

  /** The entities of one filter object, or undefined when it is no single annotation test. */
  const match = (filter: Filter): Entity[] | undefined => {
    const keys = Object.keys(filter);
    if (keys.length !== 1 || !keys[0].startsWith(ANNOTATION)) return undefined;
    const annotation = keys[0].slice(ANNOTATION.length);
    const value = filter[keys[0]];
    // The only symbol a catalog filter takes: CATALOG_FILTER_EXISTS.
    if (typeof value === 'symbol') return having.get(annotation) ?? [];
    if (typeof value !== 'string') return undefined;
    return index.get(annotation)?.get(value.toLowerCase()) ?? [];
  };

  const getEntityByRef = async (
    ref: string | CompoundEntityRef,
    options: any,
  ) =>
    typeof ref === 'string' && byRef.has(ref)
      ? byRef.get(ref)
      : fallback.getEntityByRef(ref, options);

  const getEntities = async (request: any, options: any) => {
    const { filter, fields, ...rest } = request ?? {};
    const filters = filter ? [filter].flat() : [];
    const matched = Object.keys(rest).length
      ? undefined
      : filters.map((f: Filter) => match(f));
    if (!filters.length || !matched || matched.some((m: any) => !m))
      return fallback.getEntities(request, options);
    const items = [...new Set((matched as Entity[][]).flat())].sort(
      (a, b) => order.get(a)! - order.get(b)!,
    );
    return { items: items.map(e => project(e, fields)) };
  };

  const service = new Proxy(fallback, {
    get(target, prop, receiver) {
      if (prop === 'getEntityByRef') return getEntityByRef;
      if (prop === 'getEntities') return getEntities;
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return createServiceFactory({
    service: catalogServiceRef,
    deps: {},
    factory: () => service,
  });
}
