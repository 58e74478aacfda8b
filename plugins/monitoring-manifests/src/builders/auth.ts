/**
 * vmauth in front of the hub and its users, following the access matrix (docs/architecture.md,
 * access matrix): spoke vmagents may only write (VMInsert), Grafana and the portal may only read
 * (VMSelect).
 */
import { spokeExternalLabels } from '@hubspoke/backstage-plugin-monitoring-common';
import {
  antiAffinity,
  object,
  OPERATOR_API_VERSION,
  operatorPodLabels,
  operatorSecurity,
} from './common';
import { HubContext, INSERT_PATH, SELECT_PATH } from './cluster';
import * as D from './defaults';
import { K8sObject } from './types';

/** The label a VMUser needs to be picked up by the hub's VMAuth. */
export const VMAUTH_USER_LABEL = 'monitoring.backstage.io/vmauth';

export const READ_API =
  '/api/v1/(query|query_range|query_exemplars|series|labels|label/[^/]+/values|rules|alerts|metadata|status/.*|format_query)';

/**
 * Read-only query paths of the tenant (no import, export, delete or admin).
 *
 * @public
 */
export const READ_PATHS = [`${SELECT_PATH}${READ_API}`];
/**
 * Write-only: the remote-write endpoint of the tenant.
 *
 * @public
 */
export const WRITE_PATHS = [`${INSERT_PATH}/api/v1/write`];

/**
 * The query argument of VictoriaMetrics' ingestion paths that sets a label on every series of
 * the request, replacing the label the series carries.
 */
export const EXTRA_LABEL_ARG = 'extra_label';

/**
 * What a spoke's write-only user forces on everything it writes: its own `cluster` and
 * `environment` (the labels of the label contract its vmagent sets), as `extra_label` query
 * arguments of the user's target (`targetRefs[].query_args`). A series that claims another cluster or environment lands
 * with the spoke's own; vmauth drops a client's query argument of the same name (the target's
 * wins, checked on the real binaries by `vmauthAccess.integration.test.ts`).
 *
 * @public
 */
export function spokeWriteQueryArgs(spoke: {
  cluster: string;
  environment: string;
}): Array<{ name: string; values: string[] }> {
  return [
    {
      name: EXTRA_LABEL_ARG,
      values: Object.entries(spokeExternalLabels(spoke)).map(
        ([k, v]) => `${k}=${v}`,
      ),
    },
  ];
}

/** The readers of the access matrix: Grafana (dashboards) and the portal (Backstage). */
export const READERS = ['grafana', 'portal'] as const;

export function vmAuth(ctx: HubContext, replicas: number): K8sObject {
  return object(
    OPERATOR_API_VERSION,
    'VMAuth',
    { name: ctx.name, namespace: ctx.namespace, labels: ctx.labels },
    {
      spec: {
        replicaCount: replicas,
        port: String(D.PORTS.vmauth),
        resources: D.resourcesFor(D.RESOURCES.vmauth),
        affinity: antiAffinity(operatorPodLabels('vmauth', ctx.name)),
        podDisruptionBudget: { maxUnavailable: 1 },
        selectAllByDefault: false,
        userSelector: { matchLabels: { [VMAUTH_USER_LABEL]: ctx.name } },
        userNamespaceSelector: {
          matchLabels: { 'kubernetes.io/metadata.name': ctx.namespace },
        },
        ...operatorSecurity(D.RUN_AS.victoriaMetrics),
      },
    },
  );
}

interface VMUserCommon {
  /** Hub the user belongs to (VMCluster and VMAuth name) and its namespace. */
  hub: string;
  hubNamespace: string;
  /** Object name and vmauth username. */
  name: string;
  username: string;
  /** Secret (in the hub namespace) whose `password` key is the user's password. */
  passwordSecret: string;
  labels: Record<string, string>;
}

export type VMUserOptions = VMUserCommon &
  (
    | { access: 'read' }
    | {
        access: 'write';
        /** The spoke writing as this user: its labels are forced on what it writes. */
        spoke: { cluster: string; environment: string };
      }
  );

export function vmUser(o: VMUserOptions): K8sObject {
  const component =
    o.access === 'read' ? 'VMCluster/vmselect' : 'VMCluster/vminsert';
  const target =
    o.access === 'read'
      ? { paths: READ_PATHS }
      : { paths: WRITE_PATHS, query_args: spokeWriteQueryArgs(o.spoke) };
  return object(
    OPERATOR_API_VERSION,
    'VMUser',
    {
      name: o.name,
      namespace: o.hubNamespace,
      labels: { ...o.labels, [VMAUTH_USER_LABEL]: o.hub },
    },
    {
      spec: {
        username: o.username,
        passwordRef: { name: o.passwordSecret, key: 'password' },
        targetRefs: [
          {
            crd: { kind: component, name: o.hub, namespace: o.hubNamespace },
            ...target,
          },
        ],
      },
    },
  );
}

/** Name of the Secret holding a hub user's password. */
export function userSecretName(hub: string, user: string): string {
  return `${hub}-vmuser-${user}`;
}
