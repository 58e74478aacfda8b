/**
 * Where the VictoriaMetrics operator CRDs live: the YAML files shipped in `crds/`, one per kind.
 */
import { resolvePackagePath } from '@backstage/backend-plugin-api';

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

/** This package's name, to find its files with `resolvePackagePath`. */
export const PACKAGE_NAME = '@hubspoke/backstage-plugin-monitoring-manifests';

let crdDir: string | undefined;

/** The `crds/` folder of this package, in the repository and when installed from `dist`. */
export function crdDirectory(): string {
  crdDir ??= resolvePackagePath(PACKAGE_NAME, 'crds');
  return crdDir;
}
