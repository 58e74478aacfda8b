import { InputError } from '@backstage/errors';
import { mockServices } from '@backstage/backend-test-utils';
import { resolveCluster } from './cluster';

const kubernetes = {
  clusterLocatorMethods: [
    {
      type: 'config',
      clusters: [
        {
          name: 'hub-cluster',
          url: 'https://hub.example.com',
          authProvider: 'serviceAccount',
          serviceAccountToken: 'plugin-read-token',
        },
        {
          name: 'dev-cluster',
          url: 'https://dev.example.com',
          authProvider: 'serviceAccount',
          serviceAccountToken: 'plugin-dev-token',
        },
        {
          name: 'oidc-cluster',
          url: 'https://oidc.example.com',
          authProvider: 'oidc',
        },
      ],
    },
  ],
};
const tokenOf = (t: ReturnType<typeof resolveCluster>) =>
  t.kubeConfig.getCurrentUser()?.token;

describe('resolveCluster', () => {
  it("uses monitoring.apply.clusters[].serviceAccountToken for that cluster, the plugin's token otherwise", () => {
    const config = mockServices.rootConfig({
      data: {
        kubernetes,
        monitoring: {
          apply: {
            clusters: [
              { name: 'hub-cluster', serviceAccountToken: 'apply-token' },
            ],
          },
        },
      },
    });
    const hub = resolveCluster(config, 'hub-cluster');
    expect(tokenOf(hub)).toBe('apply-token');
    expect(hub.kubeConfig.getCurrentCluster()?.server).toBe(
      'https://hub.example.com',
    );
    expect(tokenOf(resolveCluster(config, 'dev-cluster'))).toBe(
      'plugin-dev-token',
    );
  });

  it('refuses unknown clusters and other auth providers with an InputError', () => {
    const config = mockServices.rootConfig({ data: { kubernetes } });
    expect(() => resolveCluster(config, 'nope')).toThrow(InputError);
    expect(() => resolveCluster(config, 'nope')).toThrow(
      'configured: hub-cluster, dev-cluster, oidc-cluster',
    );
    expect(() => resolveCluster(config, 'oidc-cluster')).toThrow(
      'uses authProvider "oidc"',
    );
  });
});
