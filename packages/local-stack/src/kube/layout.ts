/**
 * The local Kubernetes clusters: their names (as in app-config.yaml and examples/clusters.yaml),
 * which environment each spoke is, and the loopback ports of each cluster's components.
 */
import { EnvironmentName, ENVIRONMENTS, HUB_AGENT } from '../environments';

export interface KubeClusterLayout {
  name: string;
  /** The spoke's environment; undefined for the hub cluster. */
  environment?: EnvironmentName;
  /** kube-apiserver's secure port (what app-config.yaml's `url` names). */
  apiPort: number;
  controllerManagerPort: number;
  schedulerPort: number;
  /** kwok's health and metrics server. */
  kwokPort: number;
}

/** The clusters share one etcd, each under its own key prefix (saves ~3 x 60 MB and 3 processes). */
export interface KubeLayout {
  etcdClientPort: number;
  etcdPeerPort: number;
  clusters: KubeClusterLayout[];
}

const cluster = (
  name: string,
  i: number,
  environment?: EnvironmentName,
): KubeClusterLayout => ({
  name,
  environment,
  apiPort: 6443 + i,
  controllerManagerPort: 10300 + i,
  schedulerPort: 10310 + i,
  kwokPort: 10320 + i,
});

export const KUBE_LAYOUT: KubeLayout = {
  etcdClientPort: 12379,
  etcdPeerPort: 12380,
  clusters: [
    ...ENVIRONMENTS.map((env, i) => cluster(env.cluster, i, env.name)),
    cluster(HUB_AGENT.cluster, ENVIRONMENTS.length),
  ],
};

/** Each cluster's three kwok nodes, one per zone (so anti-affinity and PDBs mean something). */
export const KWOK_ZONES = ['zone-a', 'zone-b', 'zone-c'] as const;

export const kubeApiUrl = (c: KubeClusterLayout) =>
  `https://127.0.0.1:${c.apiPort}`;
