import { CompoundEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { InputError, ResponseError } from '@backstage/errors';
import { EntityMetricsResponse } from '@internal/plugin-monitoring-common';
import { MetricsTimeRange, MonitoringApi } from './MonitoringApi';

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
    const path = [
      pathSegment(entityRef.kind, 'kind'),
      pathSegment(entityRef.namespace, 'namespace'),
      pathSegment(entityRef.name, 'name'),
    ].join('/');
    const query = new URLSearchParams({
      from: range.from.toISOString(),
      to: range.to.toISOString(),
    });
    return this.get<EntityMetricsResponse>(`/entity/${path}/metrics?${query}`);
  }

  private async get<T>(pathAndQuery: string): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('monitoring');
    const response = await this.fetchApi.fetch(`${baseUrl}${pathAndQuery}`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
