/** The stack API of the monitoring backend (`GET /stack`), shared by the backend and the frontend. */
import type { SnapshotInfo } from './fleetTypes';
import { HubComponent } from './stackSignals';

/**
 * `ok`; `lagging`: samples arrive late, queue up or fail to send; `down`: nothing arrived for
 * the `down` threshold (or ever, within the lookback).
 *
 * @public
 */
export type SpokeVerdict = 'ok' | 'lagging' | 'down';

/** @public */
export interface SpokeHealth {
  /** The `cluster` label. */
  cluster: string;
  environment?: string;
  /** Whether this is the hub's own vmagent (its cluster carries the hub's components). */
  hub: boolean;
  verdict: SpokeVerdict;
  /** Why, in a few words ("no sample for 3m 10s"); absent when ok. */
  reason?: string;
  /** Seconds since the newest sample the hub holds from this cluster; null: none in the lookback. */
  lagSeconds: number | null;
  samplesPerSecond: number | null;
  activeSeries: number | null;
  /** Bytes in the vmagent's persistent queue. */
  queueBytes: number | null;
  /** Over `countWindow`. */
  droppedSamples: number | null;
  /** Failed remote-write requests over `countWindow`. */
  remoteWriteErrors: number | null;
  /** Samples/s over the last hour, one point a minute, oldest first (null: no data). */
  samplesTrend: Array<number | null>;
  /** Queue bytes over the last hour, as `samplesTrend`. */
  queueTrend: Array<number | null>;
  /**
   * The VictoriaMetrics operator's resources in this cluster, read from its Kubernetes API;
   * absent when the cluster is not among the Kubernetes plugin's configured clusters
   * (`kubernetes.clusterLocatorMethods`, type `config`).
   */
  kubernetes?: ClusterResources;
}

/**
 * The kinds of the VictoriaMetrics operator (`operator.victoriametrics.com/v1beta1`) the stack
 * reads.
 *
 * @public
 */
export type VmResourceKind =
  | 'VMCluster'
  | 'VMSingle'
  | 'VMAgent'
  | 'VMAuth'
  | 'VMAlert'
  | 'VMAlertmanager';

/**
 * The resource name (plural) of each kind the stack reads from the clusters: what the portal's
 * identity must be allowed to list in each cluster, and nothing more of the operator's kinds.
 *
 * @public
 */
export const VM_RESOURCE_PLURALS: Readonly<Record<VmResourceKind, string>> = {
  VMCluster: 'vmclusters',
  VMSingle: 'vmsingles',
  VMAgent: 'vmagents',
  VMAuth: 'vmauths',
  VMAlert: 'vmalerts',
  VMAlertmanager: 'vmalertmanagers',
};

/**
 * One resource's readiness as a grade: `ok` (operational, newest spec seen), `progressing`
 * (expanding, or the operator has not yet seen the newest spec), `failed`, `unknown` (paused,
 * not reported, or a status the suite does not know).
 *
 * @public
 */
export type VmResourceHealth = 'ok' | 'progressing' | 'failed' | 'unknown';

/**
 * One VictoriaMetrics operator resource as the operator reports it in its status.
 *
 * @public
 */
export interface VmResourceStatus {
  /** The operator's kind, from the plural listed. */
  kind: VmResourceKind;
  /** `metadata.namespace` */
  namespace: string;
  /** `metadata.name` */
  name: string;
  /**
   * `status.updateStatus` as the operator writes it: `expanding`, `operational`, `failed`,
   * `paused`, ...; null when the resource has none (not reported yet).
   */
  updateStatus: string | null;
  /** `status.reason`, when the operator gives one (usually with `failed`). */
  reason?: string;
  /** `metadata.creationTimestamp` (ISO-8601); null when absent. */
  createdAt: string | null;
  /** Seconds since `createdAt` when the cluster was read; null when unknown. */
  ageSeconds: number | null;
  /**
   * `metadata.generation` minus `status.observedGeneration`: above 0 the operator has not yet
   * seen the newest spec; null when either is absent.
   */
  generationLag: number | null;
  /** The grade of `updateStatus` and `generationLag` together (see {@link VmResourceHealth}). */
  health: VmResourceHealth;
}

/**
 * One cluster's VictoriaMetrics resources.
 *
 * @public
 */
export interface ClusterResources {
  /** ISO-8601: when the cluster was read (answers are shared for a few seconds). */
  readAt: string;
  /** By kind (VMCluster, VMSingle, VMAgent, VMAuth, VMAlert, VMAlertmanager), namespace, name. */
  resources: VmResourceStatus[];
  /**
   * Why the cluster, or some of its kinds, could not be read: short and generic (never the
   * API's body or address). The resources read before the failure are kept.
   */
  error?: string;
  /** A kind had more resources than one list returns: the list is cut. */
  truncated?: boolean;
}

/** @public */
export interface HubComponentHealth {
  component: HubComponent;
  /** The cluster (hub) it runs in. */
  cluster: string;
  /** Instances scraped up / scraped. */
  up: number;
  instances: number;
  status: 'up' | 'degraded' | 'down';
}

/**
 * `GET /stack`
 *
 * @public
 */
export interface StackResponse {
  /** ISO-8601 */
  generatedAt: string;
  thresholds: { laggingAfterSeconds: number; downAfterSeconds: number };
  /** The window drops and errors are counted over, e.g. `15m`. */
  countWindow: string;
  /** Worst first, then by name. */
  clusters: SpokeHealth[];
  /**
   * Every component of each hub (a cluster whose vmagent scrapes hub components), `down` with 0
   * instances when none of it was scraped; empty when no hub scrapes itself.
   */
  components: HubComponentHealth[];
  /** The snapshot this answer was read from (the stack is refreshed in the background). */
  snapshot: SnapshotInfo;
}

/** @public */
export const SPOKE_VERDICT_ORDER: SpokeVerdict[] = ['down', 'lagging', 'ok'];
