/** The VictoriaMetrics operator's CRD bundle the clusters get (the manifests package's). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';

/** The operator's CRD bundle, as the manifests package ships it. */
export const OPERATOR_CRDS_DIR = path.join(
  path.dirname(
    require.resolve('@hubspoke/backstage-plugin-monitoring-manifests/package.json'),
  ),
  'crds',
);

function bundle(): Record<string, any>[] {
  return fs
    .readdirSync(OPERATOR_CRDS_DIR)
    .filter(f => f.endsWith('.yaml'))
    .sort()
    .flatMap(f =>
      parseAllDocuments(
        fs.readFileSync(path.join(OPERATOR_CRDS_DIR, f), 'utf8'),
      ).map(d => d.toJS()),
    )
    .filter(d => d?.kind === 'CustomResourceDefinition');
}

/** The CRDs' names. */
export const operatorCrdNames = (): string[] =>
  bundle().map(d => d.metadata.name);

/** The kinds they define (the operator's resources the clusters serve). */
export const operatorKinds = (): string[] =>
  bundle().map(d => d.spec.names.kind);

/** Their resource names (`vmagents`, ...), for RBAC rules that name them. */
export const operatorPlurals = (): string[] =>
  bundle().map(d => d.spec.names.plural);
