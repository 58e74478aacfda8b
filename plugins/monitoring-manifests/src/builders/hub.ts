/**
 * The hub ("Infrastructure Cluster (Central Monitoring Hub)"): the VictoriaMetrics cluster behind
 * vmauth, vmalert + Alertmanager with the default rules, Grafana HA, and the hub's own metrics
 * collection (vmagent, node exporter, kube-state-metrics).
 */
import {
  hubComponentRelabeling,
  spokeExternalLabels,
} from '@hubspoke/backstage-plugin-monitoring-common';
import {
  vmAlert,
  vmAlertmanager,
  vmRules,
  alertmanagerSecretName,
} from './alerting';
import { READERS, userSecretName, vmAuth, vmUser } from './auth';
import { HubContext, vmCluster, vminsertUrl } from './cluster';
import { scrapes, vmAgent } from './collection';
import { commonLabels, detach, object } from './common';
import * as D from './defaults';
import { kubeStateMetrics, nodeExporter } from './exporters';
import { grafana } from './grafana';
import { HubInput, HubOptions, parseHubInput } from './inputs';
import { requirement, resolveSecrets } from './secrets';
import { toOperatorRelabel } from './relabel';
import { K8sObject, SecretRequirement } from './types';

/** @public */
export interface HubResult {
  /** Every object of the hub, in apply order. */
  objects: K8sObject[];
  /** Secrets the apply step must create (secretStrategy `kubernetes`); names and keys only. */
  secrets: SecretRequirement[];
  /** The parsed input, defaults applied. */
  options: HubOptions;
}

function hubSecrets(o: HubOptions): SecretRequirement[] {
  const remote = (s: string) => `${o.remoteKeyPrefix}/${o.name}/${s}`;
  const base = (name: string, description: string) => ({
    cluster: 'hub' as const,
    namespace: o.namespace,
    name,
    description,
  });
  return [
    requirement(
      base(
        `${o.name}-grafana-database`,
        'PostgreSQL of Grafana: host[:port], database, user, password',
      ),
      remote('grafana-database'),
      {
        host: 'provide',
        database: 'provide',
        user: 'provide',
        password: 'provide',
      },
    ),
    requirement(
      base(`${o.name}-grafana-admin`, 'Grafana admin account'),
      remote('grafana-admin'),
      { 'admin-user': { identifier: 'admin' }, 'admin-password': 'generate' },
    ),
    ...READERS.map(user =>
      requirement(
        base(
          userSecretName(o.name, user),
          `Password of the read-only vmauth user "${user}"${
            user === 'portal' ? ' (Backstage: monitoring.vmselect.auth)' : ''
          }`,
        ),
        remote(`vmuser-${user}`),
        { password: 'generate' },
      ),
    ),
    requirement(
      base(
        alertmanagerSecretName(o.name),
        'Alertmanager configuration with the receivers',
      ),
      remote('alertmanager'),
      { 'alertmanager.yaml': 'provide' },
    ),
  ];
}

/**
 * Renders the hub. Throws `InputError` for invalid input (see `hubInputSchema`).
 *
 * @public
 */
export function buildHub(input: HubInput): HubResult {
  const o = parseHubInput(input);
  const labels = commonLabels({ hub: o.name });
  const ctx: HubContext = { name: o.name, namespace: o.namespace, labels };
  const replicas = { ...D.REPLICAS, ...o.replicas };
  const required = hubSecrets(o);
  const resolved = resolveSecrets(required, {
    strategy: o.secretStrategy,
    store: o.secretStore,
    labels,
  });
  const secretName = (suffix: string) => `${o.name}-${suffix}`;

  const objects: K8sObject[] = [
    object('v1', 'Namespace', { name: o.namespace, labels }, {}),
    ...resolved.objects,
    ...nodeExporter({ namespace: o.namespace, labels }),
    ...kubeStateMetrics({ namespace: o.namespace, labels }),
    vmCluster(ctx, {
      retention: o.retention,
      storageClass: o.storageClass,
      storageSize: o.storageSize,
      replicas,
    }),
    vmAuth(ctx, replicas.vmauth),
    ...READERS.map(user =>
      vmUser({
        hub: o.name,
        hubNamespace: o.namespace,
        name: `${o.name}-${user}`,
        username: user,
        passwordSecret: userSecretName(o.name, user),
        access: 'read',
        labels,
      }),
    ),
    vmAlertmanager(ctx),
    vmAlert(ctx, replicas.vmalert),
    ...vmRules(ctx),
    ...grafana(ctx, {
      domain: o.grafanaDomain,
      replicas: replicas.grafana,
      sharedStorageClass: o.sharedStorageClass ?? o.storageClass,
      databaseSecret: secretName('grafana-database'),
      adminSecret: secretName('grafana-admin'),
      datasourceSecret: userSecretName(o.name, 'grafana'),
    }),
    vmAgent({
      name: o.name,
      namespace: o.namespace,
      labels,
      remoteWriteLabels: spokeExternalLabels({
        cluster: o.name,
        environment: o.environment,
      }),
      remoteWriteUrl: `${vminsertUrl(ctx)}/api/v1/write`,
      scrapeInterval: D.SCRAPE_INTERVAL,
      storageClass: o.storageClass,
      queueSize: D.STORAGE.vmagentQueue,
      // The operator scrapes every component it runs (its self-scrape objects, jobs named
      // `<component>-<hub>`); the stack view reads them by this label.
      remoteWriteRelabeling: toOperatorRelabel(hubComponentRelabeling(o.name)),
    }),
    ...scrapes({ name: o.name, namespace: o.namespace, labels }),
  ];
  return { objects: detach(objects), secrets: resolved.secrets, options: o };
}
