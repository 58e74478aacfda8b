/** Types of demoSeries.mjs (plain ESM, run by the exporter without a build) for its TS users. */

export const BUCKETS: readonly number[];

export interface DemoSeriesPod {
  pod: string;
  service: string;
  namespace: string;
  routes: { method: 'GET' | 'POST'; route: string; share: number }[];
  profile: {
    requestRate: number;
    errorRatio: number;
    medianLatencySeconds: number;
    memoryMiB: number;
  };
  weight: number;
  phase: number;
  podLabels: string[];
}

export function podsByEnvironment(doc: unknown): Map<string, DemoSeriesPod[]>;

export function loadIntegral(
  t: number,
  phase: number,
  periodS?: number,
): number;

export function statusShares(
  method: string,
  errorRatio: number,
): Record<string, number>;

export function bucketShares(
  method: string,
  medianLatencySeconds: number,
): [le: string, share: number][];

export function podMetrics(
  p: DemoSeriesPod,
  t: number,
  startedAt: number,
): string;

export function cadvisorMetrics(pods: DemoSeriesPod[], t: number): string;

export function kubeStateMetrics(pods: DemoSeriesPod[]): string;
