/**
 * Loads the VictoriaMetrics operator CRDs shipped in `crds/` and extracts the v1beta1
 * `openAPIV3Schema` of a kind, lazily (a CRD file is read and parsed the first time its kind is
 * validated) and once per process.
 */
import fs from 'node:fs';
import path from 'node:path';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { parse } from 'yaml';

export const OPERATOR_API_VERSION = 'operator.victoriametrics.com/v1beta1';

/** Operator kind -> CRD file in `crds/`. */
export const CRD_FILES: Record<string, string> = {
  VMAgent: 'vmagents.operator.victoriametrics.com.yaml',
  VMAlert: 'vmalerts.operator.victoriametrics.com.yaml',
  VMAlertmanager: 'vmalertmanagers.operator.victoriametrics.com.yaml',
  VMAuth: 'vmauths.operator.victoriametrics.com.yaml',
  VMCluster: 'vmclusters.operator.victoriametrics.com.yaml',
  VMNodeScrape: 'vmnodescrapes.operator.victoriametrics.com.yaml',
  VMPodScrape: 'vmpodscrapes.operator.victoriametrics.com.yaml',
  VMRule: 'vmrules.operator.victoriametrics.com.yaml',
  VMServiceScrape: 'vmservicescrapes.operator.victoriametrics.com.yaml',
  VMUser: 'vmusers.operator.victoriametrics.com.yaml',
};

/** A JSON schema node as found in a CRD (OpenAPI v3 subset plus `x-kubernetes-*`). */
export type SchemaNode = { [keyword: string]: any };

let crdDir: string | undefined;

/** The `crds/` folder of this package, in the repository and when installed from `dist`. */
export function crdDirectory(): string {
  if (!crdDir) {
    const candidates = [path.resolve(__dirname, '../../crds'), path.resolve(__dirname, '../crds')];
    crdDir = candidates.find(dir => fs.existsSync(path.join(dir, CRD_FILES.VMCluster)));
    if (!crdDir) {
      crdDir = resolvePackagePath(
        '@internal/plugin-scaffolder-backend-module-monitoring',
        'crds',
      );
    }
  }
  return crdDir;
}

const schemaCache = new Map<string, SchemaNode>();

/**
 * Kubernetes structural-schema semantics for plain JSON-schema validators: an object schema that
 * lists `properties` and neither allows `additionalProperties` nor preserves unknown fields
 * admits no other field (the API server would prune it, or reject it under strict field
 * validation). Collects the `format`s used so the validator can register them.
 */
export function makeStructural(node: SchemaNode, formats: Set<string>): SchemaNode {
  if (!node || typeof node !== 'object') return node;
  if (typeof node.format === 'string') formats.add(node.format);
  if (node.properties) {
    for (const child of Object.values(node.properties)) makeStructural(child as SchemaNode, formats);
    if (node.additionalProperties === undefined && !node['x-kubernetes-preserve-unknown-fields']) {
      node.additionalProperties = false;
    }
  }
  if (node.items && typeof node.items === 'object') makeStructural(node.items, formats);
  if (node.additionalProperties && typeof node.additionalProperties === 'object') {
    makeStructural(node.additionalProperties, formats);
  }
  for (const key of ['anyOf', 'allOf', 'oneOf']) {
    if (Array.isArray(node[key])) node[key].forEach((n: SchemaNode) => makeStructural(n, formats));
  }
  return node;
}

/** The structural v1beta1 schema of an operator kind, or undefined for a kind not in `crds/`. */
export function loadCrdSchema(kind: string, formats: Set<string>): SchemaNode | undefined {
  const cached = schemaCache.get(kind);
  if (cached) return cached;
  const file = CRD_FILES[kind];
  if (!file) return undefined;
  const crd = parse(fs.readFileSync(path.join(crdDirectory(), file), 'utf8'));
  if (crd?.spec?.names?.kind !== kind) {
    throw new Error(`CRD file ${file} does not define kind ${kind}`);
  }
  const version = (crd.spec.versions as SchemaNode[]).find(v => v.name === 'v1beta1');
  const schema = version?.schema?.openAPIV3Schema;
  if (!schema) throw new Error(`CRD file ${file} has no v1beta1 openAPIV3Schema`);
  makeStructural(schema, formats);
  schemaCache.set(kind, schema);
  return schema;
}
