import {
  AuthService,
  BackstageCredentials,
  CacheService,
  LoggerService,
  PermissionsService,
  SchedulerService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { isError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  CLAIMANT_FILTER,
  FleetFilters,
  FleetResponse,
  TrustedLocations,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { AlertSnapshots } from '../alerts/AlertSnapshots';
import { HealthThresholds, SnapshotSchedule } from '../config';
import { fingerprint, ScheduledSnapshot } from '../lib/ScheduledSnapshot';
import { FleetAccess } from './fleetAccess';
import { FleetDataSource } from './fleetData';
import { fleetPage } from './fleetPage';
import {
  buildFleetSnapshot,
  FleetSnapshotValue,
  SNAPSHOT_ENTITY_FIELDS,
} from './fleetSnapshot';

/** The scheduler's task that refreshes the fleet's snapshot. */
export const FLEET_SNAPSHOT_TASK = 'monitoring-fleet-snapshot';

/**
 * The fleet view: every monitored entity the caller may see and read, by environment. One
 * replica computes the whole fleet in the background (FleetDataSource's fixed set of grouped
 * queries, the alerts, every claimant entity); a request reads that snapshot, asks the
 * permission framework twice (see FleetAccess), and filters, sorts and pages it.
 */
export class FleetService {
  private readonly snapshot: ScheduledSnapshot<FleetSnapshotValue>;
  private readonly access: FleetAccess;

  constructor(
    private readonly deps: {
      data: FleetDataSource;
      alerts: AlertSnapshots;
      catalog: CatalogService;
      auth: AuthService;
      permissions: PermissionsService;
      userInfo: UserInfoService;
      cache: CacheService;
      scheduler: SchedulerService;
      logger: LoggerService;
      environments: string[];
      thresholds: HealthThresholds;
      schedule: SnapshotSchedule;
      trusted?: TrustedLocations;
    },
  ) {
    this.access = new FleetAccess(deps.permissions, deps.catalog);
    this.snapshot = new ScheduledSnapshot(
      {
        id: FLEET_SNAPSHOT_TASK,
        // v1: FleetSnapshotValue. Keyed by everything that shapes it (the hub, the series, the
        // environments, the grades, the trusted locations behind the claim rules), so replicas
        // configured otherwise - mid-rollout - neither read nor overwrite each other's.
        key: `fleet:snapshot:v1:${fingerprint([
          deps.data.hub,
          deps.environments,
          deps.thresholds,
          (deps.trusted ?? TrustedLocations.of([])).fingerprint,
        ])}`,
        what: 'the fleet',
        compute: () => this.compute(),
        schedule: deps.schedule,
      },
      deps.cache,
      deps.scheduler,
      deps.logger,
    );
  }

  /** Schedules the snapshot's refresh (at once, then every `schedule.refreshSeconds`). */
  start(): Promise<void> {
    return this.snapshot.start();
  }

  /** Computes a snapshot now (the scheduled task's work). */
  refresh(): Promise<void> {
    return this.snapshot.refresh();
  }

  async getFleet(
    credentials: BackstageCredentials,
    filters: FleetFilters,
  ): Promise<FleetResponse> {
    const { value, info } = await this.snapshot.read();
    const [allowed, ownershipRefs] = await Promise.all([
      this.access.forCaller(credentials, value, info.stale),
      this.ownershipRefs(credentials),
    ]);
    // The page's default order (worst health over every column first) is the snapshot's.
    const inHealthOrder =
      (filters.sort ?? 'health') === 'health' &&
      filters.order !== 'desc' &&
      !filters.environment;
    const page = fleetPage(
      (inHealthOrder
        ? value.healthOrder.map(i => value.entries[i])
        : value.entries
      ).filter(allowed),
      value.environments,
      filters,
      ownershipRefs,
      inHealthOrder,
    );
    return {
      source: value.source,
      alerts: value.alerts,
      generatedAt: value.generatedAt,
      snapshot: info,
      // The grades the rows were graded with (the same as this replica's, by the key).
      thresholds: this.deps.thresholds,
      ...page,
    };
  }

  private async ownershipRefs(
    credentials: BackstageCredentials,
  ): Promise<string[]> {
    if (!this.deps.auth.isPrincipal(credentials, 'user')) return [];
    const info = await this.deps.userInfo.getUserInfo(credentials);
    return info.ownershipEntityRefs;
  }

  private async compute(): Promise<FleetSnapshotValue> {
    const { data, alerts, catalog, auth, logger } = this.deps;
    const [fleetData, alertSnapshot, claimantEntities] = await Promise.all([
      data.get(),
      alerts.get().catch(e => {
        logger.warn(
          `monitoring: fleet alert counts unavailable: ${isError(e) ? e.message : 'error'}`,
        );
        return undefined;
      }),
      catalog
        .getEntities(
          { filter: CLAIMANT_FILTER, fields: SNAPSHOT_ENTITY_FIELDS },
          { credentials: await auth.getOwnServiceCredentials() },
        )
        .then(r => r.items),
    ]);
    return buildFleetSnapshot({
      data: fleetData,
      alerts: alertSnapshot,
      claimantEntities,
      trusted: this.deps.trusted ?? TrustedLocations.of([]),
      environments: this.deps.environments,
      thresholds: this.deps.thresholds,
    });
  }
}
