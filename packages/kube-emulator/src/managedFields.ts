/**
 * Managed-fields bookkeeping of the Kubernetes API emulator's server-side apply (see index.ts):
 * each field manager owns the leaves it applied (arrays are atomic leaves); a leaf owned by
 * another manager with a different value is a conflict unless the apply is forced; the stored
 * object is the union of every manager's leaves.
 */

/** JSON-encoded path segments -> the value applied there. */
export type Leaves = Map<string, unknown>;

export interface FieldConflict {
  manager: string;
  /** `.data.b` */
  field: string;
}

export const isPlainObject = (v: unknown): v is Record<string, any> =>
  !!v && typeof v === 'object' && !Array.isArray(v);

/** Leaf paths of everything but apiVersion/kind/status and server-owned metadata. */
export function leavesOf(obj: Record<string, any>): Leaves {
  const out: Leaves = new Map();
  const walk = (value: unknown, at: string[]) => {
    if (isPlainObject(value) && Object.keys(value).length > 0) {
      for (const [k, v] of Object.entries(value)) walk(v, [...at, k]);
    } else {
      out.set(JSON.stringify(at), value);
    }
  };
  for (const [key, value] of Object.entries(obj)) {
    if (key === 'apiVersion' || key === 'kind' || key === 'status') continue;
    if (key === 'metadata') {
      for (const field of ['labels', 'annotations'] as const) {
        if (isPlainObject(value?.[field]))
          walk(value[field], ['metadata', field]);
      }
      continue;
    }
    walk(value, [key]);
  }
  return out;
}

function setPath(target: Record<string, any>, at: string[], value: unknown) {
  let node = target;
  for (const seg of at.slice(0, -1)) {
    if (!isPlainObject(node[seg])) node[seg] = {};
    node = node[seg];
  }
  const last = at[at.length - 1];
  // An empty map owned by one manager does not wipe the entries other managers own in it.
  if (
    isPlainObject(value) &&
    Object.keys(value).length === 0 &&
    isPlainObject(node[last])
  )
    return;
  node[last] = structuredClone(value);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isPlainObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .filter(k => value[k] !== undefined)
      .map(k => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
export const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);

/** The object without status and the server-set metadata, for change detection. */
export function content(body: Record<string, any>) {
  const { status: _status, metadata, ...rest } = body;
  const {
    uid: _u,
    resourceVersion: _r,
    creationTimestamp: _c,
    managedFields: _m,
    ...meta
  } = metadata;
  return { ...rest, metadata: meta };
}

export function fieldsV1(leaves: Leaves): Record<string, any> {
  const root: Record<string, any> = {};
  for (const key of leaves.keys()) {
    let node = root;
    for (const seg of JSON.parse(key) as string[])
      node = node[`f:${seg}`] ??= {};
  }
  return root;
}

/**
 * Ownership after `manager` applies `leaves`: a copy of `current` where `manager` owns exactly
 * `leaves`, managers left owning nothing are dropped, and a forced apply takes conflicting
 * leaves from their owners. Equal values are shared, not conflicts.
 */
export function takeOwnership(
  current: Map<string, Leaves> | undefined,
  manager: string,
  leaves: Leaves,
  force: boolean,
): { managers: Map<string, Leaves>; conflicts: FieldConflict[] } {
  const managers = new Map<string, Leaves>(
    [...(current ?? new Map<string, Leaves>())].map(([m, l]) => [
      m,
      new Map(l),
    ]),
  );
  const conflicts: FieldConflict[] = [];
  for (const [path, value] of leaves) {
    for (const [other, owned] of managers) {
      if (other === manager || !owned.has(path)) continue;
      if (same(owned.get(path), value)) continue; // shared ownership of an equal value
      if (force) owned.delete(path);
      else
        conflicts.push({
          manager: other,
          field: `.${(JSON.parse(path) as string[]).join('.')}`,
        });
    }
  }
  managers.set(manager, leaves);
  for (const [m, l] of managers)
    if (l.size === 0 && m !== manager) managers.delete(m);
  return { managers, conflicts };
}

/** Writes every manager's leaves into `target`: the object is the union of their fields. */
export function mergeLeaves(
  target: Record<string, any>,
  managers: Map<string, Leaves>,
) {
  for (const l of managers.values()) {
    for (const [path, value] of l) setPath(target, JSON.parse(path), value);
  }
}

/** Whether two ownership maps give every manager the same fields (values aside). */
export function sameOwnership(
  a: Map<string, Leaves>,
  b: Map<string, Leaves>,
): boolean {
  const shape = (m: Map<string, Leaves>) =>
    [...m].map(([manager, l]) => [manager, [...l.keys()].sort()]);
  return same(shape(a), shape(b));
}
