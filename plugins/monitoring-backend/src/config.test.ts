import { ConfigReader } from '@backstage/config';
import { readMonitoringConfig } from './config';

const read = (monitoring: object) =>
  readMonitoringConfig(new ConfigReader({ monitoring }));

describe('readMonitoringConfig', () => {
  it('reads a cluster URL with a tenant prefix, basic auth and a timeout', () => {
    const c = read({
      vmselect: {
        url: 'https://vmauth.hub.example.com/select/0/prometheus/',
        auth: { username: 'portal', password: 'pw' },
        timeout: '3s',
      },
    });
    expect(c.vmselect).toEqual({
      baseUrl: 'https://vmauth.hub.example.com/select/0/prometheus',
      auth: { type: 'basic', username: 'portal', password: 'pw' },
      timeoutMs: 3000,
      maxConcurrency: 8,
      maxQueued: 200,
      maxRequestsPerPrincipal: 6,
    });
    expect(c.environments).toEqual(['dev', 'staging', 'production']);
    expect(Object.keys(c.profiles)).toEqual(['http', 'grpc']);
    expect(c.profiles.http.map(p => p.id)).toEqual([
      'requestRate',
      'errorRatio',
      'latencyP50',
      'latencyP95',
      'latencyP99',
      'cpu',
      'memory',
    ]);
  });

  it('reads a bearer token, environments and a timeout object', () => {
    const c = read({
      vmselect: {
        url: 'http://127.0.0.1:8427',
        auth: { token: 't' },
        timeout: { seconds: 20 },
      },
      environments: ['qa', 'prod'],
    });
    expect(c.vmselect.auth).toEqual({ type: 'bearer', token: 't' });
    expect(c.vmselect.timeoutMs).toBe(20000);
    expect(c.environments).toEqual(['qa', 'prod']);
  });

  it('adds a profile from config', () => {
    const c = read({
      vmselect: { url: 'http://127.0.0.1:8427' },
      profiles: {
        worker: {
          panels: [
            {
              id: 'jobs',
              title: 'Jobs',
              unit: 'reqps',
              query:
                'sum by (environment) (rate(jobs_total{$selector}[$window]))',
            },
          ],
        },
      },
    });
    expect(c.profiles.worker).toEqual([
      {
        id: 'jobs',
        title: 'Jobs',
        unit: 'reqps',
        query: 'sum by (environment) (rate(jobs_total{$selector}[$window]))',
      },
    ]);
  });

  it.each([
    [{ vmselect: { url: 'not a url' } }, /not a URL/],
    [{ vmselect: { url: 'ftp://x' } }, /http or https/],
    [{ vmselect: { url: 'http://user:pw@x' } }, /must not hold credentials/],
    [{ vmselect: { url: 'http://x?tenant=1' } }, /query string/],
    [
      { vmselect: { url: 'http://x', auth: { username: 'u' } } },
      /both username and password/,
    ],
    [
      {
        vmselect: {
          url: 'http://x',
          auth: { username: 'u', password: 'p', token: 't' },
        },
      },
      /not both/,
    ],
    [{ vmselect: { url: 'http://x', maxConcurrency: 0 } }, /maxConcurrency/],
    [
      { vmselect: { url: 'http://x', maxQueued: -1 } },
      /maxQueued must be a positive integer/,
    ],
    [
      {
        vmselect: { url: 'http://x' },
        profiles: {
          p: { panels: [{ id: 'a', title: 'A', query: 'up{$service}' }] },
        },
      },
      /unknown placeholders: \$service/,
    ],
    [
      {
        vmselect: { url: 'http://x' },
        profiles: {
          p: { panels: [{ id: 'a', title: 'A', query: 'sum(up)' }] },
        },
      },
      /must restrict/,
    ],
    [
      {
        vmselect: { url: 'http://x' },
        profiles: {
          p: {
            panels: [
              { id: 'a', title: 'A', unit: 'furlongs', query: 'up{$selector}' },
            ],
          },
        },
      },
      /unit must be one of/,
    ],
    [{}, /vmselect/],
  ])('rejects %j', (monitoring, message) => {
    expect(() => read(monitoring)).toThrow(message);
  });

  it('reads vmalert from VMSelect unless configured, and Alertmanager with its silence bound', () => {
    const base = {
      url: 'https://vmauth.hub.example.com/select/0/prometheus',
      auth: { username: 'portal', password: 'pw' },
    };
    const proxied = read({ vmselect: base });
    expect(proxied.vmalert).toEqual({
      baseUrl: 'https://vmauth.hub.example.com/select/0/prometheus',
      auth: { type: 'basic', username: 'portal', password: 'pw' },
      timeoutMs: 10000,
    });
    expect(proxied.alertmanager).toBeUndefined();
    const c = read({
      vmselect: base,
      vmalert: {
        url: 'http://vmalert.monitoring.svc:8880/',
        auth: { token: 't' },
        timeout: '2s',
      },
      alertmanager: {
        url: 'http://am.monitoring.svc:9093/am',
        maxSilence: '6h',
      },
      grafana: { url: 'https://grafana.example.com' },
    });
    expect(c.vmalert).toEqual({
      baseUrl: 'http://vmalert.monitoring.svc:8880',
      auth: { type: 'bearer', token: 't' },
      timeoutMs: 2000,
    });
    expect(c.alertmanager).toEqual({
      baseUrl: 'http://am.monitoring.svc:9093/am',
      timeoutMs: 10000,
      maxSilenceMs: 6 * 3600_000,
      silenceWrites: { perUserPerMinute: 10, maxActivePerService: 20 },
      auth: undefined,
    });
    expect(
      read({ vmselect: base, alertmanager: { url: 'http://am:9093' } })
        .alertmanager!.maxSilenceMs,
    ).toBe(24 * 3600_000);
    expect(c.grafanaUrl).toBe('https://grafana.example.com');
  });

  it('reads the bounds on silence writes, and refuses ones that are not positive integers', () => {
    const vmselect = { url: 'http://127.0.0.1:8427' };
    expect(
      read({
        vmselect,
        alertmanager: {
          url: 'http://am:9093',
          silenceWrites: { perUserPerMinute: 3, maxActivePerService: 50 },
        },
      }).alertmanager!.silenceWrites,
    ).toEqual({ perUserPerMinute: 3, maxActivePerService: 50 });
    expect(() =>
      read({
        vmselect,
        alertmanager: {
          url: 'http://am:9093',
          silenceWrites: { perUserPerMinute: 0 },
        },
      }),
    ).toThrow(
      'monitoring.alertmanager.silenceWrites.perUserPerMinute must be a positive integer',
    );
    expect(() =>
      read({
        vmselect,
        alertmanager: {
          url: 'http://am:9093',
          silenceWrites: { maxActivePerService: 2.5 },
        },
      }),
    ).toThrow(
      'monitoring.alertmanager.silenceWrites.maxActivePerService must be a positive integer',
    );
  });

  it('names the key of a bad upstream setting', () => {
    const vmselect = { url: 'http://127.0.0.1:8427' };
    expect(() =>
      read({ vmselect, alertmanager: { url: 'http://u:p@am:9093' } }),
    ).toThrow(
      'monitoring.alertmanager.url must not hold credentials; use monitoring.alertmanager.auth',
    );
    expect(() => read({ vmselect, vmalert: { url: 'ftp://x' } })).toThrow(
      'monitoring.vmalert.url must be http or https',
    );
    expect(() =>
      read({
        vmselect,
        alertmanager: { url: 'http://am', auth: { username: 'x' } },
      }),
    ).toThrow(
      'monitoring.alertmanager.auth: basic auth needs both username and password',
    );
  });

  it("reads the Kubernetes plugin's clusters and the stack's timeout per cluster", () => {
    const c = readMonitoringConfig(
      new ConfigReader({
        monitoring: {
          vmselect: { url: 'http://127.0.0.1:8427' },
          stack: { kubernetesTimeout: '1500ms' },
        },
        kubernetes: {
          clusterLocatorMethods: [
            { type: 'catalog' },
            {
              type: 'config',
              clusters: [
                {
                  name: 'prod',
                  url: 'https://10.0.0.1:6443',
                  authProvider: 'serviceAccount',
                  serviceAccountToken: 't',
                },
                { name: 'prod', url: 'https://elsewhere' },
                {
                  name: 'gke',
                  url: 'https://10.0.0.2',
                  authProvider: 'google',
                },
                {
                  name: 'plain',
                  url: 'http://127.0.0.1:6443',
                  serviceAccountToken: 't',
                },
              ],
            },
          ],
        },
      }),
    );
    expect(c.kubernetesTimeoutMs).toBe(1500);
    expect(c.clusters).toEqual(['prod', 'gke', 'plain']);
    expect(c.kubernetesClusters).toEqual([
      {
        name: 'prod',
        url: 'https://10.0.0.1:6443',
        token: 't',
        skipTLSVerify: false,
        caData: undefined,
      },
      expect.objectContaining({
        name: 'gke',
        problem:
          'authProvider google is not supported here (serviceAccount only)',
      }),
      expect.objectContaining({
        name: 'plain',
        problem: 'a plain http url needs skipTLSVerify: true',
      }),
    ]);
    expect(read({ vmselect: { url: 'http://x' } }).kubernetesTimeoutMs).toBe(
      5000,
    );
    for (const bad of ['5', '2h', '50ms', ' 5s']) {
      expect(() =>
        read({
          vmselect: { url: 'http://x' },
          stack: { kubernetesTimeout: bad },
        }),
      ).toThrow(/monitoring\.stack\.kubernetesTimeout must be a duration/);
    }
  });
});

describe('monitoring.snapshots', () => {
  const snapshotsOf = (snapshots?: object) =>
    readMonitoringConfig(
      new ConfigReader({
        monitoring: {
          vmselect: { url: 'http://vmselect:8481/select/0/prometheus' },
          ...(snapshots ? { snapshots } : {}),
        },
      }),
    ).snapshots;

  it('defaults to a 30 s period, 10 min of stale service and a 15 s first wait', () => {
    expect(snapshotsOf()).toEqual({
      refreshSeconds: 30,
      maxAgeSeconds: 600,
      firstWaitSeconds: 15,
    });
    expect(snapshotsOf({ refresh: '5m' })).toMatchObject({
      maxAgeSeconds: 600,
    });
    expect(snapshotsOf({ refresh: '10m' })).toMatchObject({
      maxAgeSeconds: 1200,
    });
  });

  it('refuses periods and waits out of bounds', () => {
    expect(() => snapshotsOf({ refresh: '1s' })).toThrow(/from 5s to 10m/);
    expect(() => snapshotsOf({ refresh: '30s', maxAge: '45s' })).toThrow(
      /at least twice/,
    );
    expect(() => snapshotsOf({ firstWait: '5m' })).toThrow(/from 1s to 1m/);
  });
});
