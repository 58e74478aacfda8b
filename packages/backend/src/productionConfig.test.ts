/**
 * app-config.production.yaml layered on app-config.yaml, read by Backstage's own config loader
 * with every variable set to a marker: what production gets, that every secret comes from the
 * environment, and that docs/production.md lists exactly the variables in effect.
 */
import { ConfigSources } from '@backstage/config-loader';
import { Config } from '@backstage/config';
import { clusterEnvSuffix } from '@internal/monitoring-local-stack';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './__testUtils__/productionBackend';

const marker = (name: string) => `<${name}>`;

async function productionConfig(): Promise<Config> {
  const source = ConfigSources.default({
    argv: [
      '--config',
      path.join(REPO_ROOT, 'app-config.yaml'),
      '--config',
      path.join(REPO_ROOT, 'app-config.production.yaml'),
    ],
    env: {}, // no APP_CONFIG_* overrides from the test's environment
    substitutionFunc: async name => marker(name),
  });
  return ConfigSources.toConfig(source);
}

/** Every `<NAME>` marker in the merged config, i.e. the variables production really reads. */
const variablesInEffect = (config: Config) =>
  [...JSON.stringify(config.get()).matchAll(/<([A-Z][A-Z0-9_]*)>/g)]
    .map(m => m[1])
    .filter((v, i, all) => all.indexOf(v) === i)
    .sort();

/** Every leaf of `value` with its dotted path. */
function leaves(value: unknown, at = ''): Array<[string, unknown]> {
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) =>
      leaves(v, at ? `${at}.${k}` : k),
    );
  }
  return [[at, value]];
}

describe('app-config.production.yaml on app-config.yaml', () => {
  let config: Config;
  beforeAll(async () => {
    config = await productionConfig();
  });

  it('runs on PostgreSQL and a Redis cache, from the environment', () => {
    expect(config.getConfig('backend.database').get()).toEqual({
      client: 'pg',
      connection: {
        host: '<POSTGRES_HOST>',
        port: '<POSTGRES_PORT>',
        user: '<POSTGRES_USER>',
        password: '<POSTGRES_PASSWORD>',
      },
    });
    expect(config.getConfig('backend.cache').get()).toEqual({
      store: 'redis',
      connection: '<REDIS_URL>',
    });
  });

  it('has no guest provider, and signs in through the proxy by the forwarded user name', () => {
    expect(config.getString('auth.environment')).toBe('production');
    expect(config.getConfig('auth.providers').keys()).toEqual(['oauth2Proxy']);
    expect(config.has('auth.providers.guest')).toBe(false);
    expect(config.get('auth.providers.oauth2Proxy.signIn.resolvers')).toEqual([
      { resolver: 'forwardedUserMatchingUserEntityName' },
    ]);
  });

  it('takes its addresses from the environment, listening on loopback unless told otherwise', () => {
    expect(config.getString('app.baseUrl')).toBe('<APP_BASE_URL>');
    expect(config.getString('backend.baseUrl')).toBe('<BACKEND_BASE_URL>');
    expect(config.get('backend.cors.origin')).toBe('<APP_BASE_URL>');
    expect(config.get('backend.listen')).toEqual({
      host: '<BACKEND_LISTEN_HOST>',
      port: '<BACKEND_LISTEN_PORT>',
    });
  });

  it('gives every cluster its own URL, CA and portal token, and an apply token of its own', () => {
    const clusters = config
      .getConfigArray('kubernetes.clusterLocatorMethods')[0]
      .getConfigArray('clusters');
    const names = clusters.map(c => c.getString('name'));
    expect(names).toEqual([
      'dev-cluster',
      'staging-cluster',
      'prod-cluster',
      'hub-cluster',
    ]);
    for (const cluster of clusters) {
      const suffix = clusterEnvSuffix(cluster.getString('name'));
      expect(cluster.get()).toEqual({
        name: cluster.getString('name'),
        url: `<MONITORING_KUBE_URL_${suffix}>`,
        authProvider: 'serviceAccount',
        serviceAccountToken: `<MONITORING_KUBE_TOKEN_${suffix}>`,
        caData: `<MONITORING_KUBE_CA_DATA_${suffix}>`,
      });
    }
    expect(config.getStringArray('monitoring.apply.allowedClusters')).toEqual(
      names,
    );
    expect(
      config
        .getConfigArray('monitoring.apply.clusters')
        .map(c => [c.getString('name'), c.getString('serviceAccountToken')]),
    ).toEqual(
      names.map(n => [n, `<MONITORING_APPLY_TOKEN_${clusterEnvSuffix(n)}>`]),
    );
    expect(config.getString('monitoring.apply.renderKey')).toBe(
      '<MONITORING_RENDER_KEY>',
    );
  });

  it('has no secret written in a file: every password, token, key and CA is a variable', () => {
    const secret = /(password|token|renderKey|caData|cache\.connection)$/i;
    const secrets = leaves(config.get()).filter(([key]) => secret.test(key));
    expect(secrets.length).toBeGreaterThan(15);
    for (const [key, value] of secrets) {
      expect([key, value]).toEqual([
        key,
        expect.stringMatching(/^<[A-Z0-9_]+>$/),
      ]);
    }
  });

  it('has docs/production.md list exactly the variables in effect', () => {
    const docs = fs.readFileSync(
      path.join(REPO_ROOT, 'docs/production.md'),
      'utf8',
    );
    const suffixes = config
      .getConfigArray('kubernetes.clusterLocatorMethods')[0]
      .getConfigArray('clusters')
      .map(c => clusterEnvSuffix(c.getString('name')));
    // The table's first column: | `NAME` |, `<CLUSTER>` standing for each cluster's suffix.
    const documented = [
      ...docs.matchAll(/^\| `([A-Z][A-Z0-9_]*(<CLUSTER>)?)` /gm),
    ]
      .flatMap(([, name, perCluster]) =>
        perCluster ? suffixes.map(s => name.replace('<CLUSTER>', s)) : [name],
      )
      .sort();
    expect(documented).toEqual(variablesInEffect(config));
    // app-config.yaml's local fallbacks (the stack's Gitea, the local CA) are all overridden.
    expect(variablesInEffect(config)).not.toContain('MONITORING_KUBE_CA_DATA');
  });
});
