import { parse } from 'yaml';
import { findAll, findObject, sampleHub } from '../__testUtils__/builders';
import { buildHub } from './hub';
import { defaultRuleGroups, RECORDED } from './rules';

const hub = sampleHub();

describe('buildHub', () => {
  it('starts with the Namespace and renders every part of the hub', () => {
    expect(hub.objects[0]).toMatchObject({
      kind: 'Namespace',
      metadata: { name: 'monitoring' },
    });
    const kinds = new Set(hub.objects.map(o => o.kind));
    for (const kind of [
      'VMCluster',
      'VMAuth',
      'VMUser',
      'VMAlert',
      'VMRule',
      'VMAlertmanager',
      'VMAgent',
      'VMNodeScrape',
      'VMServiceScrape',
      'VMPodScrape',
      'Deployment',
      'DaemonSet',
      'Service',
      'PodDisruptionBudget',
      'ConfigMap',
      'PersistentVolumeClaim',
      'ClusterRole',
    ]) {
      expect(kinds).toContain(kind);
    }
    expect(kinds).not.toContain('Secret');
  });

  it('routes the grafana and portal readers to vmselect through vmauth', () => {
    const vmauth = findObject(hub.objects, 'VMAuth', 'hub');
    expect(vmauth.spec.userSelector).toEqual({
      matchLabels: { 'monitoring.backstage.io/vmauth': 'hub' },
    });
    const users = findAll(hub.objects, 'VMUser').map(u => [
      u.metadata.name,
      u.spec.username,
      u.spec.passwordRef,
    ]);
    expect(users).toEqual([
      [
        'hub-grafana',
        'grafana',
        { name: 'hub-vmuser-grafana', key: 'password' },
      ],
      ['hub-portal', 'portal', { name: 'hub-vmuser-portal', key: 'password' }],
    ]);
  });

  it('points vmalert at vmselect, vminsert and the Alertmanagers, and lets vmselect proxy its API', () => {
    const vmalert = findObject(hub.objects, 'VMAlert', 'hub');
    expect(vmalert.spec.datasource.url).toBe(
      'http://vmselect-hub.monitoring.svc:8481/select/0/prometheus',
    );
    expect(vmalert.spec.remoteWrite.url).toBe(
      'http://vminsert-hub.monitoring.svc:8480/insert/0/prometheus',
    );
    expect(
      vmalert.spec.notifiers[0].selector.labelSelector.matchLabels,
    ).toEqual({
      'monitoring.backstage.io/hub': 'hub',
    });
    const vmselect = findObject(hub.objects, 'VMCluster').spec.vmselect;
    expect(vmselect.extraArgs['vmalert.proxyURL']).toBe(
      'http://vmalert-hub.monitoring.svc:8880',
    );
  });

  it('takes the Alertmanager receivers from a Secret', () => {
    const am = findObject(hub.objects, 'VMAlertmanager', 'hub');
    expect(am.spec.configSecret).toBe('hub-alertmanager');
    expect(am.spec.configRawYaml).toBeUndefined();
    expect(am.metadata.labels['monitoring.backstage.io/hub']).toBe('hub');
  });

  it('deploys the default rules, labelled for vmalert', () => {
    const rules = findAll(hub.objects, 'VMRule');
    expect(rules.map(r => r.metadata.name)).toEqual([
      'hub-service-slo',
      'hub-service-recording',
      'hub-monitoring-stack',
    ]);
    const all = rules.flatMap(r => r.spec.groups[0].rules);
    const alert = (name: string) => all.find((r: any) => r.alert === name);
    expect(alert('ServiceHighErrorRatio')).toMatchObject({ for: '5m' });
    expect(alert('ServiceHighErrorRatio').expr).toMatch(/> 0\.05$/);
    expect(alert('ServiceHighLatencyP95')).toMatchObject({ for: '10m' });
    expect(alert('ServiceHighLatencyP95').expr).toMatch(
      /histogram_quantile\(0\.95.*> 0\.5$/,
    );
    for (const a of [
      'SpokeRemoteWriteLag',
      'VMAgentPersistentQueueGrowing',
      'VMStorageDiskRunningOut',
      'Watchdog',
    ]) {
      expect(alert(a)).toBeDefined();
    }
    const records = all
      .filter((r: any) => r.record)
      .map((r: any) => [r.record, r.expr]);
    // Per service, namespace, cluster and environment, named level:metric:operations.
    expect(records).toEqual([
      [
        'service_cluster:http_requests:rate2m',
        'sum by (service, namespace, cluster, environment) (rate(http_requests_total{}[2m]))',
      ],
      [
        'service_cluster:http_requests_errors:rate2m',
        'sum by (service, namespace, cluster, environment) (rate(http_requests_total{code=~"5.."}[2m]))',
      ],
      [
        'service_cluster_le:http_request_duration_seconds_bucket:rate2m',
        'sum by (service, namespace, cluster, environment, le) (rate(http_request_duration_seconds_bucket{}[2m]))',
      ],
    ]);
    expect(records.map(([r]: string[]) => r)).toEqual([
      RECORDED.requests,
      RECORDED.errors,
      RECORDED.durationBuckets,
    ]);
  });

  it('lets the local stack shorten the alert durations', () => {
    const groups = defaultRuleGroups({ errorRatioFor: '1m', latencyFor: '2m' });
    const rules = groups.flatMap(g => g.rules) as any[];
    expect(rules.find(r => r.alert === 'ServiceHighErrorRatio').for).toBe('1m');
    expect(rules.find(r => r.alert === 'ServiceHighLatencyP95').for).toBe('2m');
  });

  it('runs Grafana on PostgreSQL with every credential from a Secret', () => {
    const container = findObject(hub.objects, 'Deployment', 'hub-grafana').spec
      .template.spec.containers[0];
    const env = Object.fromEntries(container.env.map((e: any) => [e.name, e]));
    expect(env.GF_DATABASE_TYPE.value).toBe('postgres');
    for (const [name, key] of [
      ['GF_DATABASE_HOST', 'host'],
      ['GF_DATABASE_NAME', 'database'],
      ['GF_DATABASE_USER', 'user'],
      ['GF_DATABASE_PASSWORD', 'password'],
    ]) {
      expect(env[name]).toEqual({
        name,
        valueFrom: { secretKeyRef: { name: 'hub-grafana-database', key } },
      });
    }
    expect(env.GF_SECURITY_ADMIN_PASSWORD.valueFrom.secretKeyRef.name).toBe(
      'hub-grafana-admin',
    );
    expect(env.GF_SERVER_ROOT_URL.value).toBe(
      'https://grafana.infra.example.com/',
    );
    const volumes = findObject(hub.objects, 'Deployment', 'hub-grafana').spec
      .template.spec.volumes;
    expect(volumes).toContainEqual({
      name: 'plugins',
      persistentVolumeClaim: { claimName: 'hub-grafana-plugins' },
    });
  });

  it('provisions the VictoriaMetrics datasource (through vmauth) and the dashboards', () => {
    const ds = parse(
      findObject(hub.objects, 'ConfigMap', 'hub-grafana-datasources').data[
        'victoriametrics.yaml'
      ],
    );
    expect(ds.datasources[0]).toMatchObject({
      type: 'prometheus',
      url: 'http://vmauth-hub.monitoring.svc:8427/select/0/prometheus',
      basicAuthUser: 'grafana',
      secureJsonData: { basicAuthPassword: '${VM_DATASOURCE_PASSWORD}' },
    });
    const dashboards = findObject(
      hub.objects,
      'ConfigMap',
      'hub-grafana-dashboards',
    ).data;
    const services = JSON.parse(dashboards['services.json']);
    expect(JSON.stringify(services.panels)).toContain(RECORDED.requests);
    expect(JSON.parse(dashboards['monitoring-stack.json']).uid).toBe(
      'monitoring-stack',
    );
  });

  it("collects the hub's own metrics into vminsert with its cluster label", () => {
    const agent = findObject(hub.objects, 'VMAgent', 'hub');
    expect(agent.spec.remoteWrite).toEqual([
      {
        url: 'http://vminsert-hub.monitoring.svc:8480/insert/0/prometheus/api/v1/write',
      },
    ]);
    expect(agent.spec.remoteWriteSettings.label).toEqual({
      cluster: 'hub',
      environment: 'infra',
    });
    expect(findObject(hub.objects, 'DaemonSet', 'node-exporter')).toBeDefined();
    expect(
      findObject(hub.objects, 'VMNodeScrape', 'hub-node-exporter'),
    ).toBeDefined();
  });

  it('applies overrides of replicas, retention and storage size', () => {
    const big = buildHub({
      name: 'big',
      storageClass: 'gp3',
      grafanaDomain: 'g.example.com',
      retention: '30d',
      storageSize: '500Gi',
      replicas: { vminsert: 4, vmselect: 3, vmstorage: 6, grafana: 3 },
    });
    const c = findObject(big.objects, 'VMCluster', 'big').spec;
    expect([
      c.vminsert.replicaCount,
      c.vmselect.replicaCount,
      c.vmstorage.replicaCount,
    ]).toEqual([4, 3, 6]);
    expect(c.retentionPeriod).toBe('30d');
    expect(
      c.vmstorage.storage.volumeClaimTemplate.spec.resources.requests.storage,
    ).toBe('500Gi');
    expect(
      findObject(big.objects, 'Deployment', 'big-grafana').spec.replicas,
    ).toBe(3);
    // Unset overrides keep the architecture's value (docs/architecture.md).
    expect(findObject(big.objects, 'VMAuth').spec.replicaCount).toBe(2);
    // No shared storage class given: Grafana's volume uses the main one.
    expect(
      findObject(big.objects, 'PersistentVolumeClaim', 'big-grafana-plugins')
        .spec.storageClassName,
    ).toBe('gp3');
  });

  it('lists the Secrets to create, without values (kubernetes strategy)', () => {
    expect(
      hub.secrets.map(s => `${s.namespace}/${s.name}: ${s.keys.join(',')}`),
    ).toEqual([
      'monitoring/hub-grafana-database: host,database,user,password',
      'monitoring/hub-grafana-admin: admin-user,admin-password',
      'monitoring/hub-vmuser-grafana: password',
      'monitoring/hub-vmuser-portal: password',
      'monitoring/hub-alertmanager: alertmanager.yaml',
    ]);
    expect(JSON.stringify(hub.secrets)).not.toMatch(/"value"/);
  });

  it('renders one ExternalSecret per Secret instead (external-secrets strategy)', () => {
    const ext = sampleHub('external-secrets');
    expect(ext.secrets).toEqual([]);
    const names = findAll(ext.objects, 'ExternalSecret').map(
      o => o.metadata.name,
    );
    expect(names).toEqual(hub.secrets.map(s => s.name));
    const db = findObject(
      ext.objects,
      'ExternalSecret',
      'hub-grafana-database',
    );
    expect(db.spec.target.name).toBe('hub-grafana-database');
    expect(db.spec.data.map((d: any) => d.remoteRef)).toContainEqual({
      key: 'monitoring/hub/grafana-database',
      property: 'password',
    });
  });

  it('returns unshared objects (no YAML anchors, safe to edit one)', () => {
    const a = findObject(hub.objects, 'DaemonSet', 'node-exporter');
    expect(a.metadata.labels).not.toBe(a.spec.template.metadata.labels);
  });
});
