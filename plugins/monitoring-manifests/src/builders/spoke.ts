/**
 * A spoke ("Remote Clusters (Application Workloads)"): vmagent scraping the cluster and
 * remote-writing to the hub's vmauth with the spoke's `cluster` and `environment` labels and a
 * persistent queue, the exporters, and the hub-side objects that admit the spoke.
 */
import { spokeExternalLabels } from '@hubspoke/backstage-plugin-monitoring-common';
import { userSecretName, vmUser } from './auth';
import { INSERT_PATH } from './cluster';
import { scrapes, vmAgent } from './collection';
import { commonLabels, detach, object } from './common';
import { kubeStateMetrics, nodeExporter } from './exporters';
import { parseSpokeInput, SpokeInput, SpokeOptions } from './inputs';
import { requirement, resolveSecrets } from './secrets';
import { K8sObject, SecretRequirement } from './types';

/** @public */
export interface SpokeResult {
  /** Objects applied to the spoke cluster, in apply order. */
  spoke: K8sObject[];
  /** Objects applied to the hub cluster: the spoke's write-only VMUser (and its credentials). */
  hub: K8sObject[];
  /** Secrets the apply step must create (secretStrategy `kubernetes`), on either side. */
  secrets: SecretRequirement[];
  options: SpokeOptions;
}

/** The Secret in the spoke namespace with the spoke's vmauth `username` and `password`. */
export const REMOTE_WRITE_SECRET = 'vmagent-remote-write';

/** Remote-write endpoint of the hub's vmauth for the spoke's tenant. */
export function remoteWriteUrl(hubUrl: string): string {
  return `${hubUrl.replace(/\/+$/, '')}${INSERT_PATH}/api/v1/write`;
}

/**
 * Renders a spoke. Throws `InputError` for invalid input (see `spokeInputSchema`).
 *
 * @public
 */
export function buildSpoke(input: SpokeInput): SpokeResult {
  const o = parseSpokeInput(input);
  const cluster = o.clusterName;
  const username = `spoke-${cluster}`;
  const spokeLabels = commonLabels({ cluster });
  const hubLabels = commonLabels({ hub: o.hubName, cluster });
  const hubSecret = userSecretName(o.hubName, username);
  // One secret-store entry for both sides: the two Secrets must hold the same password.
  const remoteKey = `${o.remoteKeyPrefix}/spokes/${cluster}`;
  const description = `Credentials of spoke ${cluster} on the hub's vmauth (write-only)`;

  const spokeRequired = [
    requirement(
      {
        cluster: 'spoke',
        namespace: o.namespace,
        name: REMOTE_WRITE_SECRET,
        description,
      },
      remoteKey,
      { username: { identifier: username }, password: 'generate' },
    ),
  ];
  const hubRequired = [
    requirement(
      {
        cluster: 'hub',
        namespace: o.hubNamespace,
        name: hubSecret,
        description,
      },
      remoteKey,
      { password: 'generate' },
    ),
  ];
  const store = { strategy: o.secretStrategy, store: o.secretStore };
  const spokeSecrets = resolveSecrets(spokeRequired, {
    ...store,
    labels: spokeLabels,
  });
  const hubSecrets = resolveSecrets(hubRequired, {
    ...store,
    labels: hubLabels,
  });

  const spoke: K8sObject[] = [
    object('v1', 'Namespace', { name: o.namespace, labels: spokeLabels }, {}),
    ...spokeSecrets.objects,
    ...nodeExporter({ namespace: o.namespace, labels: spokeLabels }),
    ...kubeStateMetrics({ namespace: o.namespace, labels: spokeLabels }),
    vmAgent({
      name: cluster,
      namespace: o.namespace,
      labels: spokeLabels,
      remoteWriteLabels: spokeExternalLabels({
        cluster,
        environment: o.environment,
      }),
      remoteWriteUrl: remoteWriteUrl(o.hubUrl),
      basicAuthSecret: REMOTE_WRITE_SECRET,
      scrapeInterval: o.scrapeInterval,
      storageClass: o.storageClass,
      queueSize: o.queueSize,
    }),
    ...scrapes({ name: cluster, namespace: o.namespace, labels: spokeLabels }),
  ];
  const hub: K8sObject[] = [
    ...hubSecrets.objects,
    vmUser({
      hub: o.hubName,
      hubNamespace: o.hubNamespace,
      name: `${o.hubName}-${username}`,
      username,
      passwordSecret: hubSecret,
      access: 'write',
      spoke: { cluster, environment: o.environment },
      labels: hubLabels,
    }),
  ];
  return {
    spoke: detach(spoke),
    hub: detach(hub),
    secrets: [...spokeSecrets.secrets, ...hubSecrets.secrets],
    options: o,
  };
}
