/**
 * The rendered hub and spoke against the target architecture (docs/architecture.md: its access
 * matrix, retention, sizes and replicas tables). The expected figures are written out here, not
 * imported from defaults.ts, so a change to the defaults that departs from the architecture
 * fails this test.
 */
import {
  findAll,
  findObject,
  operatorComponents,
  podSpecs,
  sampleHub,
  sampleSpoke,
} from '../__testUtils__/builders';

const hub = sampleHub();
const spoke = sampleSpoke();
const vmcluster = findObject(hub.objects, 'VMCluster', 'hub');

describe('"Component-Level HA" table (Replicas)', () => {
  it.each([
    ['VMInsert', () => vmcluster.spec.vminsert.replicaCount, 2],
    ['VMSelect', () => vmcluster.spec.vmselect.replicaCount, 2],
    ['VMStorage', () => vmcluster.spec.vmstorage.replicaCount, 2],
    ['VMAuth', () => findObject(hub.objects, 'VMAuth').spec.replicaCount, 2],
    ['VMAlert', () => findObject(hub.objects, 'VMAlert').spec.replicaCount, 2],
    [
      'Grafana',
      () => findObject(hub.objects, 'Deployment', 'hub-grafana').spec.replicas,
      2,
    ],
    [
      'vmagent (infra)',
      () => findObject(hub.objects, 'VMAgent').spec.replicaCount,
      1,
    ],
    // "System Architecture": "Kube State Metrics (1x)".
    [
      'Kube State Metrics',
      () =>
        findObject(hub.objects, 'Deployment', 'kube-state-metrics').spec
          .replicas,
      1,
    ],
  ])("%s runs %#: the architecture's value", (_component, get, expected) => {
    expect(get()).toBe(expected);
  });
});

describe('"Port Mapping" table', () => {
  const containerPort = (objects: any[], kind: string, name: string) =>
    findObject(objects, kind, name).spec.template.spec.containers[0].ports[0]
      .containerPort;
  it.each([
    ['VMInsert', () => vmcluster.spec.vminsert.port, '8480'],
    ['VMSelect', () => vmcluster.spec.vmselect.port, '8481'],
    ['VMStorage', () => vmcluster.spec.vmstorage.port, '8482'],
    ['VMAuth', () => findObject(hub.objects, 'VMAuth').spec.port, '8427'],
    ['VMAlert', () => findObject(hub.objects, 'VMAlert').spec.port, '8880'],
    [
      'Grafana (container)',
      () => containerPort(hub.objects, 'Deployment', 'hub-grafana'),
      3000,
    ],
    [
      'Grafana (Service)',
      () =>
        findObject(hub.objects, 'Service', 'hub-grafana').spec.ports[0].port,
      3000,
    ],
    [
      'vmagent (hub)',
      () => findObject(hub.objects, 'VMAgent').spec.port,
      '8429',
    ],
    [
      'vmagent (spoke)',
      () => findObject(spoke.spoke, 'VMAgent').spec.port,
      '8429',
    ],
    [
      'Node Exporter (container)',
      () => containerPort(spoke.spoke, 'DaemonSet', 'node-exporter'),
      9100,
    ],
    [
      'Node Exporter (scrape)',
      () =>
        findObject(spoke.spoke, 'VMNodeScrape', 'dev-node-exporter').spec.port,
      '9100',
    ],
    [
      'Kube State Metrics (container)',
      () => containerPort(spoke.spoke, 'Deployment', 'kube-state-metrics'),
      8080,
    ],
    [
      'Kube State Metrics (Service)',
      () =>
        findObject(spoke.spoke, 'Service', 'kube-state-metrics').spec.ports[0]
          .port,
      8080,
    ],
  ])("%s listens on the architecture's port", (_service, get, expected) => {
    expect(get()).toBe(expected);
  });
});

describe('"Resource Requirements (Actual)" table (CPU, Memory as requests; limits: memory = request, CPU = 2x)', () => {
  const grafanaContainer = () =>
    findObject(hub.objects, 'Deployment', 'hub-grafana').spec.template.spec
      .containers[0];
  it.each([
    ['VMInsert', () => vmcluster.spec.vminsert.resources, '500m', '1Gi', '1'],
    ['VMSelect', () => vmcluster.spec.vmselect.resources, '500m', '2Gi', '1'],
    ['VMStorage', () => vmcluster.spec.vmstorage.resources, '1', '4Gi', '2'],
    [
      'VMAuth',
      () => findObject(hub.objects, 'VMAuth').spec.resources,
      '100m',
      '128Mi',
      '200m',
    ],
    ['Grafana', () => grafanaContainer().resources, '500m', '1Gi', '1'],
    [
      'vmagent (hub)',
      () => findObject(hub.objects, 'VMAgent').spec.resources,
      '250m',
      '512Mi',
      '500m',
    ],
    [
      'vmagent (spoke)',
      () => findObject(spoke.spoke, 'VMAgent').spec.resources,
      '250m',
      '512Mi',
      '500m',
    ],
  ])('%s', (_component, get, cpu, memory, cpuLimit) => {
    expect(get()).toEqual({
      requests: { cpu, memory },
      limits: { cpu: cpuLimit, memory },
    });
  });
});

describe('storage: "Resource Requirements" Storage column and the diagram boxes', () => {
  const size = (claim: any) => claim.spec.resources.requests.storage;
  it('VMStorage: "100Gi gp3 per replica"', () => {
    const claim = vmcluster.spec.vmstorage.storage.volumeClaimTemplate;
    expect(size(claim)).toBe('100Gi');
    expect(claim.spec.storageClassName).toBe('gp3');
  });
  it('VMSelect: "50Gi cache"', () => {
    expect(size(vmcluster.spec.vmselect.storage.volumeClaimTemplate)).toBe(
      '50Gi',
    );
    expect(vmcluster.spec.vmselect.cacheMountPath).toBe('/cache');
  });
  it('Grafana: "EFS Storage (Shared 10Gi)", ReadWriteMany', () => {
    const pvc = findObject(
      hub.objects,
      'PersistentVolumeClaim',
      'hub-grafana-plugins',
    );
    expect(size(pvc)).toBe('10Gi');
    expect(pvc.spec.accessModes).toEqual(['ReadWriteMany']);
    expect(pvc.spec.storageClassName).toBe('efs');
  });
  it('vmagent: "Persistent Queue (10Gi PVC)", stateful mode, on hub and spoke', () => {
    for (const agent of [
      findObject(hub.objects, 'VMAgent'),
      findObject(spoke.spoke, 'VMAgent'),
    ]) {
      expect(agent.spec.statefulMode).toBe(true);
      expect(size(agent.spec.statefulStorage.volumeClaimTemplate)).toBe('10Gi');
    }
  });
});

describe('VMStorage box, "Storage-Level HA" and "Retention Scaling"', () => {
  it('keeps 15 days, replicates twice and deduplicates', () => {
    expect(vmcluster.spec.retentionPeriod).toBe('15d');
    expect(vmcluster.spec.replicationFactor).toBe(2);
    expect(vmcluster.spec.vmstorage.extraArgs['dedup.minScrapeInterval']).toBe(
      '30s',
    );
    expect(vmcluster.spec.vmselect.extraArgs['dedup.minScrapeInterval']).toBe(
      '30s',
    );
  });
});

describe('"Data Flow": scrape every 30s, evaluate rules every 30s', () => {
  it('vmagents scrape every 30s', () => {
    expect(findObject(hub.objects, 'VMAgent').spec.scrapeInterval).toBe('30s');
    expect(findObject(spoke.spoke, 'VMAgent').spec.scrapeInterval).toBe('30s');
  });
  it('vmalert evaluates every 30s', () => {
    expect(findObject(hub.objects, 'VMAlert').spec.evaluationInterval).toBe(
      '30s',
    );
  });
});

describe('spoke diagram: "Labels: cluster: dev, environment: dev"', () => {
  it('the dev spoke labels everything it writes', () => {
    expect(
      findObject(spoke.spoke, 'VMAgent').spec.remoteWriteSettings.label,
    ).toEqual({
      cluster: 'dev',
      environment: 'dev',
    });
  });
});

describe('"Access Control Matrix"', () => {
  const targets = (user: any) =>
    user.spec.targetRefs.map((t: any) => ({
      kind: t.crd.kind,
      paths: t.paths,
    }));
  it('spoke vmagent: Write on VMInsert only', () => {
    const [user] = findAll(spoke.hub, 'VMUser');
    expect(targets(user)).toEqual([
      {
        kind: 'VMCluster/vminsert',
        paths: ['/insert/0/prometheus/api/v1/write'],
      },
    ]);
  });
  it.each(['grafana', 'portal'])('%s: Read on VMSelect only', reader => {
    const user = findObject(hub.objects, 'VMUser', `hub-${reader}`);
    const refs = targets(user);
    expect(refs).toHaveLength(1);
    expect(refs[0].kind).toBe('VMCluster/vmselect');
    for (const p of refs[0].paths)
      expect(p).toMatch(/^\/select\/0\/prometheus\/api\/v1\//);
    expect(refs[0].paths.join()).not.toMatch(/write|import|delete|admin/);
    // Only writers get forced labels (`extra_label`); a reader's queries are not rewritten.
    expect(user.spec.targetRefs[0].query_args).toBeUndefined();
  });
  it('developers get the Viewer role in Grafana', () => {
    const env = findObject(hub.objects, 'Deployment', 'hub-grafana').spec
      .template.spec.containers[0].env;
    expect(env).toContainEqual({
      name: 'GF_USERS_AUTO_ASSIGN_ORG_ROLE',
      value: 'Viewer',
    });
  });
});

describe('"Layer 4: Pod Security" on every pod', () => {
  const all = [...hub.objects, ...spoke.spoke];
  it.each(
    podSpecs(all).map(([o, spec]) => [`${o.kind}/${o.metadata.name}`, spec]),
  )('%s', (_name, spec) => {
    expect(spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    for (const c of spec.containers) {
      expect(c.securityContext).toEqual({
        runAsNonRoot: true,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
    }
  });
  it.each(operatorComponents(all))(
    '%s (operator-managed pods)',
    (_name, spec) => {
      expect(spec.useStrictSecurity).toBe(true);
      expect(spec.securityContext).toMatchObject({
        runAsNonRoot: true,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
    },
  );
});

describe('"Network-Level HA": pod anti-affinity and PodDisruptionBudgets', () => {
  it.each(
    operatorComponents(hub.objects).filter(([name]) => name !== 'VMAgent'),
  )('%s spreads over nodes and has a budget', (_name, spec) => {
    expect(spec.affinity.podAntiAffinity).toBeDefined();
    expect(spec.podDisruptionBudget).toEqual({ maxUnavailable: 1 });
  });
  it('vmstorage replicas must land on different nodes', () => {
    const required =
      vmcluster.spec.vmstorage.affinity.podAntiAffinity
        .requiredDuringSchedulingIgnoredDuringExecution;
    expect(required[0].topologyKey).toBe('kubernetes.io/hostname');
  });
  it('Grafana has anti-affinity and a PodDisruptionBudget', () => {
    const grafana = findObject(hub.objects, 'Deployment', 'hub-grafana');
    expect(grafana.spec.template.spec.affinity.podAntiAffinity).toBeDefined();
    const pdb = findObject(hub.objects, 'PodDisruptionBudget', 'hub-grafana');
    expect(pdb.spec.selector.matchLabels).toEqual(
      grafana.spec.selector.matchLabels,
    );
  });
});
