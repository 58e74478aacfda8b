import type { ErrorObject } from 'ajv';

/**
 * `Kind/namespace/name` (or `Kind/name` for cluster-scoped objects) for error messages.
 *
 * @public
 */
export function objectRef(obj: unknown): string {
  const o = (obj ?? {}) as {
    kind?: unknown;
    metadata?: { name?: unknown; namespace?: unknown };
  };
  const kind = typeof o.kind === 'string' && o.kind ? o.kind : '<no kind>';
  const name =
    typeof o.metadata?.name === 'string' && o.metadata.name
      ? o.metadata.name
      : '<no name>';
  const ns =
    typeof o.metadata?.namespace === 'string'
      ? o.metadata.namespace
      : undefined;
  return ns ? `${kind}/${ns}/${name}` : `${kind}/${name}`;
}

/** `/spec/remoteWrite/0/url` -> `spec.remoteWrite[0].url`. */
export function jsonPointerToPath(pointer: string): string {
  if (!pointer) return '(root)';
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(seg)) out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

const INT_OR_STRING = 'x-kubernetes-int-or-string';

/** The pointer an error is about: the unknown or missing field itself, not its parent. */
function pointerOf(e: ErrorObject): string {
  const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
  if (e.keyword === 'additionalProperties') {
    return `${e.instancePath}/${escape((e.params as { additionalProperty: string }).additionalProperty)}`;
  }
  if (e.keyword === 'required') {
    return `${e.instancePath}/${escape((e.params as { missingProperty: string }).missingProperty)}`;
  }
  return e.instancePath;
}

function messageOf(e: ErrorObject): string {
  if (e.keyword === 'additionalProperties') return 'unknown field';
  if (e.keyword === 'required') return 'required field is missing';
  if (e.keyword === 'enum') {
    const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
    return `must be one of ${allowed.map(v => JSON.stringify(v)).join(', ')}`;
  }
  return e.message ?? e.keyword;
}

/**
 * Turns ajv (or kubernetes-models) errors into `field.path: message` lines, one per path. The
 * branch errors of an `anyOf`/`oneOf` are joined with "or" and the summary error dropped.
 */
export function formatSchemaErrors(
  errors: ErrorObject[],
  prefix = '',
): string[] {
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of errors) {
    const path = prefix + pointerOf(e);
    const list = byPath.get(path) ?? [];
    list.push(e);
    byPath.set(path, list);
  }
  const lines: string[] = [];
  for (const [path, errs] of byPath) {
    if (errs.some(e => e.keyword === INT_OR_STRING)) {
      lines.push(`${jsonPointerToPath(path)}: must be an integer or a string`);
      continue;
    }
    const specific = errs.filter(
      e => e.keyword !== 'anyOf' && e.keyword !== 'oneOf',
    );
    const chosen = specific.length > 0 ? specific : errs;
    const messages = [...new Set(chosen.map(messageOf))];
    lines.push(`${jsonPointerToPath(path)}: ${messages.join(' or ')}`);
  }
  return lines;
}
