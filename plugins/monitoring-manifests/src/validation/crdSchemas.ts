/**
 * The v1beta1 `openAPIV3Schema` of an operator kind, with Kubernetes structural-schema
 * semantics. The schemas are those of the CRDs in `crds/`, read from `operatorSchemas.generated.ts`
 * (the same schemas as JSON text, see `crdSchemaBundle.ts`): parsing the CRD YAML cost ~300 ms
 * per process, the JSON of a kind costs well under a millisecond.
 */
import { CRD_FILES, SchemaNode } from './crdFiles';
import { OPERATOR_SCHEMAS_JSON } from './operatorSchemas.generated';

/**
 * The apiVersion of the VictoriaMetrics operator's objects.
 *
 * @public
 */
export const OPERATOR_API_VERSION = 'operator.victoriametrics.com/v1beta1';

/**
 * Kubernetes structural-schema semantics for plain JSON-schema validators: an object schema that
 * lists `properties` and neither allows `additionalProperties` nor preserves unknown fields
 * admits no other field (the API server would prune it, or reject it under strict field
 * validation). Changes `node` in place; collects the `format`s used so the validator can
 * register them.
 */
export function makeStructural(
  node: SchemaNode,
  formats: Set<string>,
): SchemaNode {
  if (!node || typeof node !== 'object') return node;
  if (typeof node.format === 'string') formats.add(node.format);
  if (node.properties) {
    for (const child of Object.values(node.properties))
      makeStructural(child as SchemaNode, formats);
    if (
      node.additionalProperties === undefined &&
      !node['x-kubernetes-preserve-unknown-fields']
    ) {
      node.additionalProperties = false;
    }
  }
  if (node.items && typeof node.items === 'object')
    makeStructural(node.items, formats);
  if (
    node.additionalProperties &&
    typeof node.additionalProperties === 'object'
  ) {
    makeStructural(node.additionalProperties, formats);
  }
  for (const key of ['anyOf', 'allOf', 'oneOf']) {
    if (Array.isArray(node[key]))
      node[key].forEach((n: SchemaNode) => makeStructural(n, formats));
  }
  return node;
}

/**
 * The structural v1beta1 schema of an operator kind, or undefined for a kind not in `crds/`.
 * Parses the kind's JSON on every call (the validator calls it once per kind and process).
 */
export function loadCrdSchema(
  kind: string,
  formats: Set<string>,
): SchemaNode | undefined {
  if (!Object.prototype.hasOwnProperty.call(CRD_FILES, kind)) return undefined;
  const json = OPERATOR_SCHEMAS_JSON[kind];
  if (json === undefined) {
    throw new Error(
      `operatorSchemas.generated.ts has no schema for ${kind}; regenerate it`,
    );
  }
  return makeStructural(JSON.parse(json), formats);
}
