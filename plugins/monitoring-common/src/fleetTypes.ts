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
 * How old the snapshot behind an answer is. The fleet and the stack are computed by one
 * replica on a fixed cadence and read by every request; a snapshot that could not be refreshed
 * keeps being served, marked stale, up to `monitoring.snapshots.maxAge`.
 *
 * @public
 */
export interface SnapshotInfo {
  /** ISO-8601: when the snapshot was taken. */
  takenAt: string;
  /** Seconds between `takenAt` and the answer. */
  ageSeconds: number;
  /** Older than two refresh periods: the last refreshes failed. */
  stale: boolean;
  /** Why it is stale, in words (no upstream URL or body). */
  warning?: string;
}

/**
 * `GET /fleet`: one page of the rows that match the query, in its order.
 *
 * @public
 */
export interface FleetResponse {
  /** Which series the numbers came from: the hub's recording rules, or the raw series. */
  source: FleetSource;
  /** The columns: every environment of the services the caller may see, or the one asked for. */
  environments: string[];
  /** `unavailable`: vmalert did not answer, the alert counts are null. */
  alerts: 'ok' | 'unavailable';
  /** ISO-8601: the instant the numbers are for. */
  generatedAt: string;
  /** The background snapshot the answer was read from, and how old it is. */
  snapshot: SnapshotInfo;
  /** The health grades' thresholds (from config). */
  thresholds: {
    errorRatio: { warning: number; critical: number };
    latencyP95Seconds: { warning: number; critical: number };
  };
  /** Rows matching every filter. */
  total: number;
  /** Rows the caller's groups own among those matching every filter but `mine`. */
  owned: number;
  /** The systems of the rows the caller may see, sorted (for a system filter's choices). */
  systems: string[];
  /** 0-based. */
  page: number;
  /** Rows per page (the last page may hold fewer). */
  pageSize: number;
  /** This page's rows, in `sort` order. */
  rows: FleetRow[];
}

/**
 * How `GET /fleet` can order its rows. `health`: worst first, then by name; `budget`: the
 * worst objective's budget left over the shown environments, services without objectives last
 * either way; `name`: by name.
 *
 * @public
 */
export const FLEET_SORT_KEYS = ['health', 'budget', 'name'] as const;

/**
 * One of FLEET_SORT_KEYS.
 *
 * @public
 */
export type FleetSortKey = (typeof FLEET_SORT_KEYS)[number];

/**
 * Rows per page: the default and the most one request may ask for.
 *
 * @public
 */
export const FLEET_PAGE_SIZE = { default: 50, max: 200 } as const;

/**
 * `GET /fleet` query parameters: filters, order and page.
 *
 * @public
 */
export interface FleetFilters {
  environment?: string;
  owner?: string;
  system?: string;
  lifecycle?: string;
  /** Text in the name, title, service or owner (case-insensitive). */
  q?: string;
  /** Only rows of this health (over the shown environments). */
  health?: FleetHealth;
  /** Only the services the signed-in user's groups own (their ownership refs). */
  mine?: boolean;
  /** Default `health`. */
  sort?: FleetSortKey;
  /** Default `asc` (for `health`: worst first). */
  order?: 'asc' | 'desc';
  /** 0-based, default 0. A page past the last answers the last one. */
  page?: number;
  /** Default FLEET_PAGE_SIZE.default, at most FLEET_PAGE_SIZE.max. */
  pageSize?: number;
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
