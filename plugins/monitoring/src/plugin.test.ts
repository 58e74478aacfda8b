import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import { MonitoringClient } from './api';
import { monitoringApiRef } from './api';
import { monitoringPlugin } from './plugin';

describe('monitoringPlugin', () => {
  it('provides the monitoring API as a MonitoringClient on discovery and fetch', () => {
    expect(monitoringPlugin.getId()).toBe('monitoring');
    const factory = [...monitoringPlugin.getApis()].find(
      f => f.api === monitoringApiRef,
    );
    expect(factory).toBeDefined();
    expect(factory!.deps).toEqual({
      discoveryApi: discoveryApiRef,
      fetchApi: fetchApiRef,
    });
    const client = factory!.factory({
      discoveryApi: { getBaseUrl: async () => 'http://x' },
      fetchApi: { fetch: jest.fn() },
    });
    expect(client).toBeInstanceOf(MonitoringClient);
  });
});
