import { Entity } from '@backstage/catalog-model';
import type { StackEnv } from '@internal/monitoring-local-stack';

/** A catalog component in the default namespace with the given annotations. */
export const component = (
  name: string,
  annotations: Record<string, string>,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'service', owner: 'team-shop', lifecycle: 'production' },
});

/** `monitoring.vmselect` of the local stack: vmauth's tenant read path as the portal's user. */
export const stackVmselect = (env: StackEnv) => ({
  url: env.MONITORING_VMSELECT_URL,
  auth: {
    username: env.MONITORING_VMSELECT_USERNAME,
    password: env.MONITORING_VMSELECT_PASSWORD,
  },
});
