import type { V1Pod } from '@kubernetes/client-node';
import { DEMO_SERVICES, PODS_PER_SERVICE } from '../demoServices';
import { completeDemoPods, describeStuckPods, stuckPods } from './demoPods';

function pod(
  name: string,
  service: string,
  state: {
    phase?: string;
    ready?: boolean;
    node?: string;
    unschedulable?: string;
  },
): V1Pod {
  const conditions: any[] = [];
  if (state.ready !== undefined)
    conditions.push({ type: 'Ready', status: state.ready ? 'True' : 'False' });
  if (state.unschedulable)
    conditions.push({
      type: 'PodScheduled',
      status: 'False',
      message: state.unschedulable,
    });
  return {
    metadata: {
      name,
      uid: `uid-${name}`,
      labels: { 'backstage.io/kubernetes-id': service },
    },
    spec: { nodeName: state.node, containers: [] },
    status: { phase: state.phase, conditions },
  };
}

const runningAll = () =>
  DEMO_SERVICES.flatMap(s =>
    Array.from({ length: PODS_PER_SERVICE }, (_, i) =>
      pod(`${s.name}-${i}`, s.name, {
        phase: 'Running',
        ready: true,
        node: 'n',
      }),
    ),
  );

describe('completeDemoPods', () => {
  it('returns the pods by service once every service runs all its replicas', () => {
    const done = completeDemoPods(runningAll());
    expect(Object.keys(done!).sort()).toEqual(
      DEMO_SERVICES.map(s => s.name).sort(),
    );
    expect(done!.checkout).toEqual(['checkout-0', 'checkout-1']);
  });

  it('is not complete while one replica runs without being Ready', () => {
    const pods = runningAll();
    pods[0] = pod('checkout-0', 'checkout', { phase: 'Running', ready: false });
    expect(completeDemoPods(pods)).toBeUndefined();
  });
});

describe('stuckPods', () => {
  const pending = pod('checkout-x', 'checkout', {
    phase: 'Pending',
    unschedulable: '0/3 nodes are available',
  });

  it('replaces a pod only after it stayed short of Ready for the whole grace time', () => {
    const seen = new Map<string, number>();
    expect(stuckPods([pending], seen, 1_000, { stuckMs: 15_000 })).toEqual([]);
    expect(stuckPods([pending], seen, 15_999, { stuckMs: 15_000 })).toEqual([]);
    expect(stuckPods([pending], seen, 16_000, { stuckMs: 15_000 })).toEqual([
      pending,
    ]);
  });

  it('replaces at once a Running pod that is not Ready when the wait begins', () => {
    const stale = pod('payments-y', 'payments', {
      phase: 'Running',
      ready: false,
    });
    expect(stuckPods([stale, pending], new Map(), 0, { first: true })).toEqual([
      stale,
    ]);
  });

  it('forgets pods that became Ready or went away', () => {
    const seen = new Map<string, number>();
    stuckPods([pending], seen, 0);
    expect(seen.size).toBe(1);
    stuckPods(runningAll(), seen, 1_000);
    expect(seen.size).toBe(0);
  });
});

describe('describeStuckPods', () => {
  it('says where each stuck pod is and how the nodes are', () => {
    const text = describeStuckPods(
      [
        pod('checkout-x', 'checkout', {
          phase: 'Pending',
          unschedulable: '0/3 nodes are available: 3 Insufficient cpu',
        }),
        ...runningAll(),
      ],
      [
        {
          metadata: { name: 'dev-cluster-zone-a' },
          spec: {
            taints: [
              { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' },
            ],
          },
          status: { conditions: [{ type: 'Ready', status: 'Unknown' }] },
        },
      ],
    );
    expect(text).toBe(
      'node dev-cluster-zone-a: Ready=Unknown taints=node.kubernetes.io/not-ready; ' +
        'pod checkout-x: Pending, Ready=none, node=none (0/3 nodes are available: 3 Insufficient cpu)',
    );
  });
});
