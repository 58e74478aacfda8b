import { InputError } from '@backstage/errors';
import { mockServices } from '@backstage/backend-test-utils';
import { applyClusters, resolveCluster } from './clusterTarget';

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
  it("uses monitoring.apply.clusters[].serviceAccountToken for that cluster, and refuses one without it rather than use the plugin's token", () => {
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
    // dev-cluster has the plugin's token only: the one its proxy uses on behalf of users.
    expect(() => resolveCluster(config, 'dev-cluster')).toThrow(InputError);
    expect(() => resolveCluster(config, 'dev-cluster')).toThrow(
      'Cluster "dev-cluster" has no apply credentials of its own: add { name: dev-cluster, serviceAccountToken } to monitoring.apply.clusters',
    );
    // Nor without any monitoring.apply block, nor with an entry without a token (its
    // environment variable unset).
    expect(() =>
      resolveCluster(
        mockServices.rootConfig({ data: { kubernetes } }),
        'hub-cluster',
      ),
    ).toThrow(/"hub-cluster" has no apply credentials of its own/);
    const empty = mockServices.rootConfig({
      data: {
        kubernetes,
        monitoring: {
          apply: {
            clusters: [{ name: 'hub-cluster' }],
          },
        },
      },
    });
    expect(() => resolveCluster(empty, 'hub-cluster')).toThrow(
      'its entry of monitoring.apply.clusters has no serviceAccountToken',
    );
  });

  it('gives each cluster its allowedNamespaces, [monitoring] by default', () => {
    const config = mockServices.rootConfig({
      data: {
        kubernetes,
        monitoring: {
          apply: {
            clusters: [
              { name: 'hub-cluster', serviceAccountToken: 'a' },
              {
                name: 'dev-cluster',
                serviceAccountToken: 'b',
                allowedNamespaces: ['monitoring', 'team-shop'],
              },
            ],
          },
        },
      },
    });
    expect(resolveCluster(config, 'hub-cluster').allowedNamespaces).toEqual([
      'monitoring',
    ]);
    expect(resolveCluster(config, 'dev-cluster').allowedNamespaces).toEqual([
      'monitoring',
      'team-shop',
    ]);
  });

  it.each([
    [
      [
        { name: 'a', serviceAccountToken: 't', allowedNamespaces: [] },
      ] as object[],
      'monitoring.apply.clusters[0] (a).allowedNamespaces is empty',
    ],
    [
      [
        {
          name: 'a',
          serviceAccountToken: 't',
          allowedNamespaces: ['monitoring', 'Kube_System'],
        },
      ],
      'monitoring.apply.clusters[0] (a).allowedNamespaces: "Kube_System" is not a namespace name',
    ],
    [
      [
        { name: 'a', serviceAccountToken: 't' },
        { name: 'a', serviceAccountToken: 'u' },
      ],
      'monitoring.apply.clusters lists cluster "a" twice',
    ],
  ])('refuses a bad monitoring.apply.clusters %j', (clusters, message) => {
    const config = mockServices.rootConfig({
      data: { monitoring: { apply: { clusters } } },
    });
    expect(() => applyClusters(config)).toThrow(message);
  });

  it('refuses unknown clusters and other auth providers with an InputError', () => {
    const config = mockServices.rootConfig({
      data: {
        kubernetes,
        monitoring: {
          apply: {
            clusters: [{ name: 'oidc-cluster', serviceAccountToken: 'x' }],
          },
        },
      },
    });
    expect(() => resolveCluster(config, 'nope')).toThrow(InputError);
    expect(() => resolveCluster(config, 'nope')).toThrow(
      'configured: hub-cluster, dev-cluster, oidc-cluster',
    );
    expect(() => resolveCluster(config, 'oidc-cluster')).toThrow(
      'uses authProvider "oidc"',
    );
  });
});
