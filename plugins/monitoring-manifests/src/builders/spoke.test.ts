import {
  kubePodLabelName,
  kubeStateMetricsRelabeling,
  podTargetRelabeling,
  SERVICE_POD_LABELS,
  spokeExternalLabels,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { findAll, findObject, sampleSpoke } from '../__testUtils__/builders';
import { buildSpoke, remoteWriteUrl } from './spoke';

const spoke = sampleSpoke();
const agent = findObject(spoke.spoke, 'VMAgent', 'dev');

describe('buildSpoke and the label contract', () => {
  it('labels every series with spokeExternalLabels through remoteWriteSettings.label', () => {
    expect(agent.spec.remoteWriteSettings.label).toEqual(
      spokeExternalLabels({ cluster: 'dev', environment: 'dev' }),
    );
  });

  it('converts the kube-state-metrics relabeling to the operator field names', () => {
    const scrape = findObject(
      spoke.spoke,
      'VMServiceScrape',
      'dev-kube-state-metrics',
    );
    const [endpoint] = scrape.spec.endpoints;
    const expected = kubeStateMetricsRelabeling().map(r => ({
      action: r.action,
      sourceLabels: r.source_labels,
      separator: r.separator,
      regex: r.regex,
      targetLabel: r.target_label,
      replacement: r.replacement,
    }));
    expect(endpoint.metricRelabelConfigs).toEqual(expected);
    expect(JSON.stringify(endpoint)).not.toMatch(/source_labels|target_label/);
    expect(endpoint.honorLabels).toBe(true);
  });

  it('ends the annotated-pod relabeling with podTargetRelabeling, converted', () => {
    const scrape = findObject(spoke.spoke, 'VMPodScrape', 'dev-annotated-pods');
    const rules = scrape.spec.podMetricsEndpoints[0].relabelConfigs;
    const contract = podTargetRelabeling();
    const tail = rules.slice(rules.length - contract.length);
    expect(tail.map((r: any) => [r.sourceLabels, r.targetLabel])).toEqual(
      contract.map(r => [r.source_labels, r.target_label]),
    );
    expect(rules[0]).toEqual({
      action: 'keep',
      sourceLabels: ['__meta_kubernetes_pod_annotation_prometheus_io_scrape'],
      regex: 'true',
    });
  });

  it('allow-lists the service pod labels on kube-state-metrics, matching the relabel sources', () => {
    const ksm = findObject(spoke.spoke, 'Deployment', 'kube-state-metrics');
    const args: string[] = ksm.spec.template.spec.containers[0].args;
    expect(args).toContain(
      '--metric-labels-allowlist=pods=[backstage.io/kubernetes-id,app.kubernetes.io/name]',
    );
    const sources = kubeStateMetricsRelabeling()[0].source_labels;
    expect(sources).toEqual(SERVICE_POD_LABELS.map(kubePodLabelName));
  });

  it('scrapes node exporter, cAdvisor, the API server, kube-state-metrics and annotated pods', () => {
    const scrapes = [
      ...findAll(spoke.spoke, 'VMNodeScrape'),
      ...findAll(spoke.spoke, 'VMServiceScrape'),
      ...findAll(spoke.spoke, 'VMPodScrape'),
    ].map(o => `${o.kind}/${o.metadata.name}`);
    expect(scrapes.sort()).toEqual([
      'VMNodeScrape/dev-cadvisor',
      'VMNodeScrape/dev-node-exporter',
      'VMPodScrape/dev-annotated-pods',
      'VMServiceScrape/dev-apiserver',
      'VMServiceScrape/dev-kube-state-metrics',
    ]);
    const cadvisor = findObject(spoke.spoke, 'VMNodeScrape', 'dev-cadvisor');
    expect(cadvisor.spec.path).toBe('/metrics/cadvisor');
    expect(cadvisor.spec.metricRelabelConfigs[0].regex).toContain(
      'container_cpu_usage_seconds_total',
    );
  });

  it('drops the high-volume series before remote write', () => {
    const [drop] = agent.spec.inlineRelabelConfig;
    expect(drop.action).toBe('drop');
    expect(drop.sourceLabels).toEqual(['__name__']);
    const re = new RegExp(`^${drop.regex}$`);
    for (const name of [
      'apiserver_request_duration_seconds_bucket',
      'etcd_disk_wal_fsync_duration_seconds',
      'rest_client_requests_total',
    ]) {
      expect(re.test(name)).toBe(true);
    }
    for (const name of [
      'http_requests_total',
      'container_cpu_usage_seconds_total',
      'kube_pod_labels',
      'up',
    ]) {
      expect(re.test(name)).toBe(false);
    }
  });

  it('remote-writes to the hub vmauth with basic auth from a Secret', () => {
    expect(agent.spec.remoteWrite).toEqual([
      {
        url: 'https://victoria-metrics.infra.example.com/insert/0/prometheus/api/v1/write',
        basicAuth: {
          username: { name: 'vmagent-remote-write', key: 'username' },
          password: { name: 'vmagent-remote-write', key: 'password' },
        },
      },
    ]);
    // The queue is capped below the volume size (90% of 10Gi).
    expect(agent.spec.extraArgs['remoteWrite.maxDiskUsagePerURL']).toBe(
      String(Math.floor(10 * 2 ** 30 * 0.9)),
    );
  });

  it('builds the remote-write URL from a base URL with or without a trailing slash or prefix', () => {
    expect(remoteWriteUrl('https://h.example.com/')).toBe(
      'https://h.example.com/insert/0/prometheus/api/v1/write',
    );
    expect(remoteWriteUrl('http://127.0.0.1:8427/vm')).toBe(
      'http://127.0.0.1:8427/vm/insert/0/prometheus/api/v1/write',
    );
  });

  it('admits the spoke on the hub with a write-only VMUser whose password is a Secret', () => {
    const user = findObject(spoke.hub, 'VMUser', 'hub-spoke-dev');
    expect(user.metadata.namespace).toBe('monitoring');
    expect(user.metadata.labels['monitoring.backstage.io/vmauth']).toBe('hub');
    expect(user.spec.username).toBe('spoke-dev');
    expect(user.spec.passwordRef).toEqual({
      name: 'hub-vmuser-spoke-dev',
      key: 'password',
    });
    expect(user.spec.password).toBeUndefined();
  });

  it("forces the spoke's own cluster and environment on everything its VMUser writes", () => {
    const user = findObject(spoke.hub, 'VMUser', 'hub-spoke-dev');
    expect(user.spec.targetRefs).toEqual([
      {
        crd: {
          kind: 'VMCluster/vminsert',
          name: 'hub',
          namespace: 'monitoring',
        },
        paths: ['/insert/0/prometheus/api/v1/write'],
        query_args: [
          { name: 'extra_label', values: ['cluster=dev', 'environment=dev'] },
        ],
      },
    ]);
    // The same labels the spoke's vmagent writes, whatever the spoke.
    const prod = buildSpoke({
      clusterName: 'prod-eu-1',
      environment: 'production',
      hubUrl: 'https://vmauth.example.com',
      storageClass: 'gp3',
    });
    const [prodUser] = findAll(prod.hub, 'VMUser');
    const prodAgent = findObject(prod.spoke, 'VMAgent');
    expect(prodUser.spec.targetRefs[0].query_args).toEqual([
      {
        name: 'extra_label',
        values: Object.entries(prodAgent.spec.remoteWriteSettings.label).map(
          ([k, v]) => `${k}=${v}`,
        ),
      },
    ]);
    expect(prodUser.spec.targetRefs[0].query_args[0].values).toEqual([
      'cluster=prod-eu-1',
      'environment=production',
    ]);
  });

  it('lists the Secrets on both sides with a shared password source (kubernetes strategy)', () => {
    expect(
      spoke.secrets.map(s => [s.cluster, s.namespace, s.name, s.keys]),
    ).toEqual([
      ['spoke', 'monitoring', 'vmagent-remote-write', ['username', 'password']],
      ['hub', 'monitoring', 'hub-vmuser-spoke-dev', ['password']],
    ]);
    const [spokeSide, hubSide] = spoke.secrets;
    expect(spokeSide.sources.password).toEqual(hubSide.sources.password);
    expect(spokeSide.sources.password.source).toBe('generate');
  });

  it('renders ExternalSecrets on both sides instead (external-secrets strategy)', () => {
    const ext = buildSpoke({
      clusterName: 'prod-eu-1',
      environment: 'production',
      hubUrl: 'https://vmauth.example.com',
      hubName: 'central',
      hubNamespace: 'observability',
      namespace: 'vm',
      storageClass: 'gp3',
      secretStrategy: 'external-secrets',
      secretStore: { name: 'vault', kind: 'SecretStore' },
    });
    expect(ext.secrets).toEqual([]);
    const spokeSide = findObject(
      ext.spoke,
      'ExternalSecret',
      'vmagent-remote-write',
    );
    const hubSide = findObject(
      ext.hub,
      'ExternalSecret',
      'central-vmuser-spoke-prod-eu-1',
    );
    expect(spokeSide.metadata.namespace).toBe('vm');
    expect(hubSide.metadata.namespace).toBe('observability');
    expect(spokeSide.spec.secretStoreRef).toEqual({
      name: 'vault',
      kind: 'SecretStore',
    });
    const password = (o: any) =>
      o.spec.data.find((d: any) => d.secretKey === 'password');
    expect(password(spokeSide).remoteRef).toEqual(password(hubSide).remoteRef);
    expect(password(hubSide).remoteRef).toEqual({
      key: 'monitoring/spokes/prod-eu-1',
      property: 'password',
    });
  });

  it('applies the overrides: scrape interval, queue size, namespace', () => {
    const s = buildSpoke({
      clusterName: 'staging',
      environment: 'staging',
      hubUrl: 'https://vmauth.example.com',
      namespace: 'metrics',
      storageClass: 'standard',
      queueSize: '20Gi',
      scrapeInterval: '1m',
    });
    const a = findObject(s.spoke, 'VMAgent');
    expect(a.spec.scrapeInterval).toBe('1m');
    expect(a.spec.statefulStorage.volumeClaimTemplate.spec).toMatchObject({
      storageClassName: 'standard',
      resources: { requests: { storage: '20Gi' } },
    });
    expect(
      s.spoke.every(
        o =>
          o.kind === 'Namespace' ||
          o.kind.startsWith('Cluster') ||
          o.metadata.namespace === 'metrics',
      ),
    ).toBe(true);
  });
});
