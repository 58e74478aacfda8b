/**
 * Validates rendered objects before anything is written or applied. The schema is picked by
 * apiVersion + kind: operator kinds against their CRD (`crds/`), core kinds with
 * `kubernetes-models`, `ExternalSecret` with a small hand schema. Anything else is an error.
 */
import { InputError } from '@backstage/errors';
import { coreKind, validateCoreObject } from './coreModels';
import { OPERATOR_API_VERSION } from './crdSchemas';
import { isOperatorKind, validateOperatorObject } from './crdValidator';
import { objectRef } from './errors';
import {
  EXTERNAL_SECRETS_API_VERSION,
  validateExternalSecret,
} from './externalSecret';
import { DNS_LABEL, DNS_SUBDOMAIN } from '../builders/patterns';

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

function metadataErrors(
  obj: Record<string, any>,
  namespaced: boolean,
): string[] {
  const errors: string[] = [];
  const meta = obj.metadata;
  if (!meta || typeof meta !== 'object')
    return ['metadata: required field is missing'];
  const name = meta.name;
  if (
    typeof name !== 'string' ||
    name.length > 253 ||
    !DNS_SUBDOMAIN.test(name)
  ) {
    errors.push(
      `metadata.name: must be a DNS-1123 subdomain, got ${JSON.stringify(name)}`,
    );
  }
  if (namespaced) {
    const ns = meta.namespace;
    if (typeof ns !== 'string' || ns.length > 63 || !DNS_LABEL.test(ns)) {
      errors.push(
        `metadata.namespace: must be a DNS-1123 label, got ${JSON.stringify(ns)}`,
      );
    }
  } else if (meta.namespace !== undefined) {
    errors.push(
      `metadata.namespace: must not be set on a cluster-scoped ${obj.kind}`,
    );
  }
  for (const [key, value] of Object.entries(meta.labels ?? {})) {
    if (!LABEL_NAME.test(key) || key.split('/').pop()!.length > 63) {
      errors.push(
        `metadata.labels[${JSON.stringify(key)}]: invalid label name`,
      );
    }
    if (
      typeof value !== 'string' ||
      value.length > 63 ||
      !LABEL_VALUE.test(value)
    ) {
      errors.push(
        `metadata.labels[${JSON.stringify(key)}]: invalid label value ${JSON.stringify(value)}`,
      );
    }
  }
  return errors;
}

/** Field-path error lines of one object; empty when it is valid. */
export function objectErrors(input: unknown): string[] {
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    return ['(root): must be an object'];
  }
  const obj = input as Record<string, any>;
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    return ['(root): apiVersion and kind are required'];
  }
  if (apiVersion === OPERATOR_API_VERSION && isOperatorKind(kind)) {
    return [...metadataErrors(obj, true), ...validateOperatorObject(obj)];
  }
  if (
    apiVersion === EXTERNAL_SECRETS_API_VERSION &&
    kind === 'ExternalSecret'
  ) {
    return [...metadataErrors(obj, true), ...validateExternalSecret(obj)];
  }
  const core = coreKind(apiVersion, kind);
  if (core)
    return [
      ...metadataErrors(obj, core.namespaced),
      ...validateCoreObject(core, obj),
    ];
  return [
    `(root): unknown kind ${apiVersion}/${kind}: no schema to validate it against`,
  ];
}

/**
 * Throws an `InputError` naming the object and the field paths when the object is invalid.
 *
 * @public
 */
export function validateObject(obj: unknown): void {
  const errors = objectErrors(obj);
  if (errors.length > 0) {
    throw new InputError(`Invalid ${objectRef(obj)}: ${errors.join('; ')}`);
  }
}

/**
 * Validates every object (and that no two share apiVersion, kind, namespace and name). Throws one
 * `InputError` listing every invalid object, each with its field paths.
 *
 * @public
 */
export function validateObjects(objects: unknown[]): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const obj of objects) {
    const errors = objectErrors(obj);
    if (errors.length > 0)
      problems.push(`${objectRef(obj)}: ${errors.join('; ')}`);
    const o = obj as { apiVersion?: string };
    const id = `${o?.apiVersion}|${objectRef(obj)}`;
    if (seen.has(id)) problems.push(`${objectRef(obj)}: rendered twice`);
    seen.add(id);
  }
  if (problems.length === 1) throw new InputError(`Invalid ${problems[0]}`);
  if (problems.length > 1) {
    throw new InputError(
      `${problems.length} invalid objects:\n- ${problems.join('\n- ')}`,
    );
  }
}
