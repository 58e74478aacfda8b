/**
 * The spokes' monitoring objects in the staging and production clusters, as the spoke template
 * renders them and with the suite's field manager, so the Stack tab and the cluster cards show a
 * VMAgent and its scrapes there (their status from the simulated operator; the vmagents that
 * really scrape and write are the stack's own processes). dev-cluster and hub-cluster are left
 * to the templates' Apply, whose first run there creates.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import {
  APPLY_FIELD_MANAGER,
  buildSpoke,
} from '@hubspoke/backstage-plugin-monitoring-manifests';
import { BIN } from '../binaries';
import { kubectlServerSideApply } from './kubeClient';
import { KubeClusterLayout } from './layout';

/** The environments whose clusters get the spoke at bootstrap. */
export const PREAPPLIED_SPOKE_ENVIRONMENTS = ['staging', 'production'];

/** A name only: the VMAgent's remote write is never followed here (see above). */
const SIMULATED_HUB_URL = 'https://vmauth.hub-cluster.example.com';

export function demoSpokeObjects(cluster: KubeClusterLayout) {
  return buildSpoke({
    clusterName: cluster.name,
    environment: cluster.environment!,
    hubUrl: SIMULATED_HUB_URL,
    storageClass: 'gp3',
  } as any).spoke;
}

/** Applies the spoke's objects with kubectl (server-side, the suite's field manager). */
export async function applyDemoSpoke(
  cluster: KubeClusterLayout,
  kubeconfig: string,
  workDir: string,
): Promise<void> {
  const file = path.join(workDir, `spoke-${cluster.name}.yaml`);
  fs.writeFileSync(
    file,
    demoSpokeObjects(cluster)
      .map(o => stringify(o))
      .join('---\n'),
  );
  await kubectlServerSideApply({
    kubectl: BIN.kubectl,
    kubeconfig,
    fieldManager: APPLY_FIELD_MANAGER,
    path: file,
    what: `applying the demo spoke to ${cluster.name}`,
  });
}
