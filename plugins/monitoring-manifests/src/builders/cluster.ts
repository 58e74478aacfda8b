/**
 * The VictoriaMetrics cluster of the hub: vminsert, vmselect, vmstorage (docs/architecture.md,
 * replicas), replicated and deduplicated.
 */
import {
  HUB_INSERT_PATH,
  HUB_SELECT_PATH,
} from '@hubspoke/backstage-plugin-monitoring-common';
import {
  antiAffinity,
  claimTemplate,
  object,
  OPERATOR_API_VERSION,
  operatorPodLabels,
  operatorSecurity,
  serviceUrl,
} from './common';
import * as D from './defaults';
import { K8sObject } from './types';

export interface HubContext {
  name: string;
  namespace: string;
  labels: Record<string, string>;
}

/** Operator-created Service names of the hub's components. */
export const services = {
  vminsert: (name: string) => `vminsert-${name}`,
  vmselect: (name: string) => `vmselect-${name}`,
  vmauth: (name: string) => `vmauth-${name}`,
  vmalert: (name: string) => `vmalert-${name}`,
  vmalertmanager: (name: string) => `vmalertmanager-${name}`,
};

/**
 * Read path of the tenant on vmselect (`/select/0/prometheus`): the hub contract's
 * `HUB_SELECT_PATH` (monitoring-common).
 *
 * @public
 */
export const SELECT_PATH = HUB_SELECT_PATH;
/**
 * Write path of the tenant on vminsert: the hub contract's `HUB_INSERT_PATH`.
 *
 * @public
 */
export const INSERT_PATH = HUB_INSERT_PATH;

export function vmselectUrl(ctx: HubContext): string {
  return serviceUrl(
    services.vmselect(ctx.name),
    ctx.namespace,
    D.PORTS.vmselect,
    SELECT_PATH,
  );
}

export function vminsertUrl(ctx: HubContext): string {
  return serviceUrl(
    services.vminsert(ctx.name),
    ctx.namespace,
    D.PORTS.vminsert,
    INSERT_PATH,
  );
}

/** "PodDisruptionBudgets": at most one replica of a component down at a time. */
const PDB = { podDisruptionBudget: { maxUnavailable: 1 } };

export function vmCluster(
  ctx: HubContext,
  opts: {
    retention: string;
    storageClass: string;
    storageSize: string;
    replicas: { vminsert: number; vmselect: number; vmstorage: number };
  },
): K8sObject {
  const component = (
    name: 'vminsert' | 'vmselect' | 'vmstorage',
    requiredOnNode = false,
  ) => ({
    replicaCount: opts.replicas[name],
    port: String(D.PORTS[name]),
    resources: D.resourcesFor(D.RESOURCES[name]),
    affinity: antiAffinity(operatorPodLabels(name, ctx.name), requiredOnNode),
    ...PDB,
    ...operatorSecurity(D.RUN_AS.victoriaMetrics),
  });
  return object(
    OPERATOR_API_VERSION,
    'VMCluster',
    { name: ctx.name, namespace: ctx.namespace, labels: ctx.labels },
    {
      spec: {
        retentionPeriod: opts.retention,
        replicationFactor: D.REPLICATION_FACTOR,
        useStrictSecurity: true,
        vminsert: component('vminsert'),
        vmselect: {
          ...component('vmselect'),
          cacheMountPath: '/cache',
          storage: {
            volumeClaimTemplate: claimTemplate(
              opts.storageClass,
              D.STORAGE.vmselectCache,
            ),
          },
          extraArgs: {
            'dedup.minScrapeInterval': D.DEDUP_MIN_SCRAPE_INTERVAL,
            // Serves /api/v1/rules and /api/v1/alerts of vmalert on the read path.
            'vmalert.proxyURL': serviceUrl(
              services.vmalert(ctx.name),
              ctx.namespace,
              D.PORTS.vmalert,
            ),
          },
        },
        vmstorage: {
          ...component('vmstorage', true),
          storage: {
            volumeClaimTemplate: claimTemplate(
              opts.storageClass,
              opts.storageSize,
            ),
          },
          extraArgs: { 'dedup.minScrapeInterval': D.DEDUP_MIN_SCRAPE_INTERVAL },
        },
      },
    },
  );
}
