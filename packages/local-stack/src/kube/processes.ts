/**
 * The local clusters' processes: one etcd shared by all (a key prefix per cluster), and per
 * cluster kube-apiserver, kube-controller-manager, kube-scheduler and kwok. Stages 1-3 of the
 * stack: the hub's processes start after the clusters are bootstrapped (the demo pods' names
 * feed their scrape configs).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BIN } from '../binaries';
import { HOST } from '../endpoints';
import { StackPaths } from '../paths';
import type { ProcessSpec } from '../processes';
import { kubeconfigFile, kubeDir, STATIC_USERS, tokenFile } from './identities';
import { KubeClusterLayout, KubeLayout, kubeApiUrl } from './layout';
import { kubePki } from './pki';
import { kwokStagesFile } from './stages';

/** kwok last: it loads the operator's stages only once their CRDs are served. */
export const KUBE_STAGES = {
  etcd: 1,
  apiServer: 2,
  controllers: 3,
  kwok: 4,
} as const;
/** The first stage of the hub's processes: they start once the clusters are bootstrapped. */
export const HUB_STAGE = 11;

export interface KubeProcessOptions {
  /**
   * Write the API servers' audit log (metadata of every request: who, verb, resource) to
   * `<kube>/<cluster>/audit.log`, for tests that assert which identity did what.
   */
  audit?: boolean;
}

/** The audit policy: every request's metadata, once (at ResponseComplete). */
const AUDIT_POLICY = JSON.stringify({
  apiVersion: 'audit.k8s.io/v1',
  kind: 'Policy',
  omitStages: ['RequestReceived'],
  rules: [{ level: 'Metadata' }],
});

export const auditPolicyFile = (paths: StackPaths) =>
  path.join(kubeDir(paths), 'audit-policy.json');

/** Writes the audit policy the API servers read when `audit` is on. */
export function writeAuditPolicy(paths: StackPaths): void {
  fs.mkdirSync(kubeDir(paths), { recursive: true });
  fs.writeFileSync(auditPolicyFile(paths), AUDIT_POLICY);
}

export const auditLogFile = (paths: StackPaths, cluster: KubeClusterLayout) =>
  path.join(kubeDir(paths), cluster.name, 'audit.log');

export function kubeProcessSpecs(
  paths: StackPaths,
  layout: KubeLayout,
  options: KubeProcessOptions = {},
): ProcessSpec[] {
  const pki = kubePki(kubeDir(paths));
  const etcdData = path.join(kubeDir(paths), 'etcd');
  const etcdUrl = `http://${HOST}:${layout.etcdClientPort}`;
  const peerUrl = `http://${HOST}:${layout.etcdPeerPort}`;
  const specs: ProcessSpec[] = [
    {
      name: 'etcd',
      command: BIN.etcd,
      args: [
        '--name=local-stack',
        `--data-dir=${etcdData}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=local-stack=${peerUrl}`,
        // Four small clusters: keep the history short and the database compact.
        '--auto-compaction-retention=10m',
        '--quota-backend-bytes=1073741824',
        '--log-level=warn',
      ],
      port: layout.etcdClientPort,
      healthPath: '/health',
      stage: KUBE_STAGES.etcd,
      identity: [`--listen-client-urls=${etcdUrl}`],
      dirs: [etcdData],
      reloadsOnSighup: false,
    },
  ];
  const tls = [
    `--tls-cert-file=${pki.servingCert}`,
    `--tls-private-key-file=${pki.servingKey}`,
  ];
  for (const cluster of layout.clusters) {
    const kubeconfig = (
      user: (typeof STATIC_USERS)[keyof typeof STATIC_USERS],
    ) => kubeconfigFile(paths, cluster, user);
    specs.push(
      {
        name: `kube-apiserver-${cluster.name}`,
        command: BIN.kubeApiserver,
        args: [
          `--etcd-servers=${etcdUrl}`,
          `--etcd-prefix=/clusters/${cluster.name}/registry`,
          `--bind-address=${HOST}`,
          `--advertise-address=${HOST}`,
          `--secure-port=${cluster.apiPort}`,
          // Without it the API server refuses a loopback advertise address.
          '--endpoint-reconciler-type=none',
          ...tls,
          `--service-account-issuer=${kubeApiUrl(cluster)}`,
          `--service-account-key-file=${pki.serviceAccountPub}`,
          `--service-account-signing-key-file=${pki.serviceAccountKey}`,
          `--token-auth-file=${tokenFile(paths)}`,
          '--authorization-mode=Node,RBAC',
          // An address range in config only: no traffic flows to services here.
          '--service-cluster-ip-range=10.96.0.0/16',
          '--profiling=false',
          ...(options.audit
            ? [
                `--audit-policy-file=${auditPolicyFile(paths)}`,
                `--audit-log-path=${auditLogFile(paths, cluster)}`,
                '--audit-log-format=json',
              ]
            : []),
        ],
        port: cluster.apiPort,
        healthPath: '/readyz',
        healthCa: pki.caCert,
        stage: KUBE_STAGES.apiServer,
        identity: [`--secure-port=${cluster.apiPort}`],
        dirs: [],
        reloadsOnSighup: false,
      },
      {
        name: `kube-controller-manager-${cluster.name}`,
        command: BIN.kubeControllerManager,
        args: [
          `--kubeconfig=${kubeconfig(STATIC_USERS.controllerManager)}`,
          '--leader-elect=false',
          // Each controller acts as its own ServiceAccount (as kubeadm sets it up).
          '--use-service-account-credentials=true',
          `--service-account-private-key-file=${pki.serviceAccountKey}`,
          `--root-ca-file=${pki.caCert}`,
          // No pod network to allocate node CIDRs from.
          '--controllers=*,-nodeipam',
          `--bind-address=${HOST}`,
          `--secure-port=${cluster.controllerManagerPort}`,
          ...tls,
          '--profiling=false',
        ],
        port: cluster.controllerManagerPort,
        healthPath: '/healthz',
        healthCa: pki.caCert,
        stage: KUBE_STAGES.controllers,
        identity: [`--secure-port=${cluster.controllerManagerPort}`],
        dirs: [],
        reloadsOnSighup: false,
      },
      {
        name: `kube-scheduler-${cluster.name}`,
        command: BIN.kubeScheduler,
        args: [
          `--kubeconfig=${kubeconfig(STATIC_USERS.scheduler)}`,
          '--leader-elect=false',
          `--bind-address=${HOST}`,
          `--secure-port=${cluster.schedulerPort}`,
          ...tls,
          '--profiling=false',
        ],
        port: cluster.schedulerPort,
        healthPath: '/healthz',
        healthCa: pki.caCert,
        stage: KUBE_STAGES.controllers,
        identity: [`--secure-port=${cluster.schedulerPort}`],
        dirs: [],
        reloadsOnSighup: false,
      },
      kwokSpec(paths, cluster, kubeconfig(STATIC_USERS.kwok)),
    );
  }
  return specs;
}

function kwokSpec(
  paths: StackPaths,
  cluster: KubeClusterLayout,
  kubeconfig: string,
): ProcessSpec {
  const address = `${HOST}:${cluster.kwokPort}`;
  return {
    name: `kwok-${cluster.name}`,
    command: BIN.kwok,
    args: [
      `--kubeconfig=${kubeconfig}`,
      `--config=${kwokStagesFile(paths)}`,
      '--manage-all-nodes=false',
      // Node leases, renewed as a kubelet does (without them the nodes go NotReady in ~50 s).
      '--node-lease-duration-seconds=40',
      '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
      `--server-address=${address}`,
      '--node-ip=10.0.0.1',
      '--cidr=10.0.0.1/16',
    ],
    port: cluster.kwokPort,
    healthPath: '/healthz',
    stage: KUBE_STAGES.kwok,
    identity: [`--server-address=${address}`],
    dirs: [],
    reloadsOnSighup: false,
  };
}
