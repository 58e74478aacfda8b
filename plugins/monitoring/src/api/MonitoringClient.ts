import { CompoundEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { InputError, ResponseError } from '@backstage/errors';
import {
  CreateSilenceRequest,
  CreateSilenceResponse,
  EntityAlertHistoryResponse,
  EntityAlertsResponse,
  EntityClaim,
  EntityMetricsResponse,
  EntitySloResponse,
  FleetResponse,
  StackResponse,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { FleetFilters, MetricsTimeRange, MonitoringApi } from './MonitoringApi';

/**
 * Encodes one path segment. `.` and `..` cannot be encoded (the URL parser resolves `%2e%2e`
 * as `..` too), so they are refused instead of letting them walk up the backend's path.
 */
function pathSegment(value: string, what: string): string {
  if (!value || value === '.' || value === '..') {
    throw new InputError(`Invalid entity ${what} "${value}"`);
  }
  return encodeURIComponent(value);
}

function entityPath(entityRef: CompoundEntityRef): string {
  return [
    pathSegment(entityRef.kind, 'kind'),
    pathSegment(entityRef.namespace, 'namespace'),
    pathSegment(entityRef.name, 'name'),
  ].join('/');
}

const rangeQuery = (range: MetricsTimeRange) =>
  new URLSearchParams({
    from: range.from.toISOString(),
    to: range.to.toISOString(),
  }).toString();

/** Every `GET /fleet` parameter, in the order they are sent (the type keeps it complete). */
const FLEET_PARAMETERS = Object.keys({
  environment: true,
  owner: true,
  system: true,
  lifecycle: true,
  q: true,
  health: true,
  mine: true,
  sort: true,
  order: true,
  page: true,
  pageSize: true,
} satisfies Record<keyof FleetFilters, true>) as Array<keyof FleetFilters>;

/**
 * The query string of the fleet's filters: every field that is set, numbers as decimals,
 * `mine=true` (false is the default, left out), empty strings and non-finite numbers left out.
 */
function fleetQuery(filters: FleetFilters): string {
  const params = new URLSearchParams();
  for (const key of FLEET_PARAMETERS) {
    const value = filters[key];
    if (value === undefined || value === '' || value === false) continue;
    if (typeof value === 'number' && !Number.isFinite(value)) continue;
    params.set(key, String(value));
  }
  return params.toString();
}

/**
 * {@link MonitoringApi} over HTTP, through Backstage's discovery and (authenticated) fetch APIs.
 *
 * @public
 */
export class MonitoringClient implements MonitoringApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getEntityMetrics(
    entityRef: CompoundEntityRef,
    range: MetricsTimeRange,
  ): Promise<EntityMetricsResponse> {
    return this.request<EntityMetricsResponse>(
      `/entity/${entityPath(entityRef)}/metrics?${rangeQuery(range)}`,
    );
  }

  async getEntityAlerts(
    entityRef: CompoundEntityRef,
  ): Promise<EntityAlertsResponse> {
    return this.request<EntityAlertsResponse>(
      `/entity/${entityPath(entityRef)}/alerts`,
    );
  }

  async getEntityAlertHistory(
    entityRef: CompoundEntityRef,
    range: MetricsTimeRange,
  ): Promise<EntityAlertHistoryResponse> {
    return this.request<EntityAlertHistoryResponse>(
      `/entity/${entityPath(entityRef)}/alerts/history?${rangeQuery(range)}`,
    );
  }

  async createSilence(
    entityRef: CompoundEntityRef,
    request: CreateSilenceRequest,
  ): Promise<CreateSilenceResponse> {
    return this.request<CreateSilenceResponse>(
      `/entity/${entityPath(entityRef)}/silences`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request),
      },
    );
  }

  async expireSilence(
    entityRef: CompoundEntityRef,
    silenceId: string,
  ): Promise<void> {
    await this.request<void>(
      `/entity/${entityPath(entityRef)}/silences/${pathSegment(silenceId, 'silence id')}`,
      { method: 'DELETE' },
    );
  }

  async getEntityClaims(
    entityRef: CompoundEntityRef,
  ): Promise<{ claim: EntityClaim | null }> {
    return this.request<{ claim: EntityClaim | null }>(
      `/entity/${entityPath(entityRef)}/claims`,
    );
  }

  async getEntitySlo(
    entityRef: CompoundEntityRef,
    opts: { time?: number } = {},
  ): Promise<EntitySloResponse> {
    const query =
      opts.time !== undefined && Number.isFinite(opts.time)
        ? `?${new URLSearchParams({ time: String(opts.time) })}`
        : '';
    return this.request<EntitySloResponse>(
      `/entity/${entityPath(entityRef)}/slo${query}`,
    );
  }

  async getFleet(filters: FleetFilters = {}): Promise<FleetResponse> {
    const query = fleetQuery(filters);
    return this.request<FleetResponse>(`/fleet${query ? `?${query}` : ''}`);
  }

  async getStack(): Promise<StackResponse> {
    return this.request<StackResponse>('/stack');
  }

  private async request<T>(
    pathAndQuery: string,
    init?: RequestInit,
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('monitoring');
    const response = await this.fetchApi.fetch(
      `${baseUrl}${pathAndQuery}`,
      init,
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }
}
