/** The fleet API of the monitoring backend, shared by the backend and the frontend. */
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { FleetSource } from './fleetSignals';

/**
 * `no-data`: no request series for the cell; else from the thresholds in config.
 *
 * @public
 */
export type FleetHealth = 'ok' | 'warning' | 'critical' | 'no-data';

/**
 * Worst first, for sorting.
 *
 * @public
 */
export const FLEET_HEALTH_ORDER: FleetHealth[] = [
  'critical',
  'warning',
  'ok',
  'no-data',
];

/**
 * One service in one environment.
 *
 * @public
 */
export interface FleetCell {
  health: FleetHealth;
  /** Requests per second. */
  requestRate: number | null;
  /** Share of 5xx responses, 0..1. */
  errorRatio: number | null;
  /** Seconds. */
  latencyP95: number | null;
  /** Firing alerts of the service here; null when the alert source did not answer. */
  firingAlerts: number | null;
  /**
   * The worst objective's share of its error budget left (negative once overspent), from the
   * hub's SLO recording rules; null when the service declares no objectives here.
   */
  budgetRemaining: number | null;
  /** Request rate over the last 24 h, one value an hour, oldest first (null: no data). */
  sparkline: Array<number | null>;
}

/** @public */
export interface FleetRow {
  entityRef: string;
  name: string;
  title?: string;
  owner?: string;
  system?: string;
  lifecycle?: string;
  service: string;
  namespace?: string;
  /** Worst health over its environments. */
  health: FleetHealth;
  /** By environment. */
  cells: Record<string, FleetCell>;
}

/**
 * `GET /fleet`
 *
 * @public
 */
export interface FleetResponse {
  /** Which series the numbers came from: the hub's recording rules, or the raw series. */
  source: FleetSource;
  environments: string[];
  /** `unavailable`: vmalert did not answer, the alert counts are null. */
  alerts: 'ok' | 'unavailable';
  /** ISO-8601: when the numbers were read (shared by every caller for a few seconds). */
  generatedAt: string;
  thresholds: {
    errorRatio: { warning: number; critical: number };
    latencyP95Seconds: { warning: number; critical: number };
  };
  /** Worst health first. */
  rows: FleetRow[];
}

/**
 * `GET /fleet` filters (query parameters).
 *
 * @public
 */
export interface FleetFilters {
  environment?: string;
  owner?: string;
  system?: string;
  lifecycle?: string;
  /** Text in the name, title or service. */
  q?: string;
}

/**
 * `team-a` is the group of that name in `namespace`, as the catalog reads an owner.
 *
 * @public
 */
export function ownerEntityRef(owner: string, namespace: string): string {
  try {
    return stringifyEntityRef(
      parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: namespace,
      }),
    );
  } catch {
    return owner;
  }
}
