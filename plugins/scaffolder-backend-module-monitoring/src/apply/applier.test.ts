/**
 * What the Applier makes of the API server's answers, with a stub for the client: whether an
 * apply changed the object when a controller wrote its status in between, and what a wait logs.
 * (Against a real API server: the actions' apply tests.)
 */
import { KubernetesObjectApi } from '@kubernetes/client-node';
import { Applier } from './applier';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'hub-grafana', namespace: 'monitoring' },
  spec: { replicas: 2 },
};

/** The object as the API server holds it, at a resourceVersion and with a status. */
const stored = (
  resourceVersion: string,
  status: Record<string, unknown>,
  spec: Record<string, unknown> = deployment.spec,
) => ({
  ...deployment,
  metadata: {
    ...deployment.metadata,
    resourceVersion,
    generation: 1,
    managedFields: [
      {
        manager: 'backstage-monitoring',
        operation: 'Apply',
        time: '2026-12-07T10:00:00Z',
      },
      {
        manager: 'kube-controller-manager',
        operation: 'Update',
        subresource: 'status',
        time: `2026-12-07T10:00:0${resourceVersion}Z`,
      },
    ],
  },
  spec,
  status,
});

function applier(client: Partial<KubernetesObjectApi>, logged: string[] = []) {
  return new Applier({
    client: client as KubernetesObjectApi,
    cluster: 'infra',
    fieldManager: 'backstage-monitoring',
    force: false,
    logger: { info: m => logged.push(m), warn() {} },
  });
}

describe('Applier', () => {
  it('reports unchanged when only the status moved between its read and its apply, configured when the object changed', async () => {
    const before = stored('1', { readyReplicas: 1 });
    const statusOnly = applier({
      read: (async () => before) as any,
      patch: (async () => stored('2', { readyReplicas: 2 })) as any,
    });
    expect(await statusOnly.applyOne(deployment)).toBe('unchanged');

    const changed = applier({
      read: (async () => before) as any,
      patch: (async () =>
        stored('2', { readyReplicas: 1 }, { replicas: 3 })) as any,
    });
    expect(await changed.applyOne(deployment)).toBe('configured');
  });

  it("logs a waiting object's reason when it changes, with the pods and claims in its way", async () => {
    let polls = 0;
    const live = () => ({
      ...stored('1', {
        observedGeneration: 1,
        replicas: 2,
        updatedReplicas: 2,
        readyReplicas: polls > 2 ? 2 : 0,
        availableReplicas: polls > 2 ? 2 : 0,
      }),
      spec: {
        replicas: 2,
        selector: { matchLabels: { 'app.kubernetes.io/name': 'grafana' } },
      },
    });
    const pending = (name: string) => ({
      metadata: { name },
      spec: { volumes: [{ persistentVolumeClaim: { claimName: 'plugins' } }] },
      status: {
        phase: 'Pending',
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            message: '0/3 nodes are available: pod has unbound claims.\n',
          },
        ],
      },
    });
    const lists: string[] = [];
    const logged: string[] = [];
    const a = applier(
      {
        read: (async (ref: any) => {
          if (ref.kind === 'PersistentVolumeClaim')
            return {
              spec: { storageClassName: 'nope' },
              status: { phase: 'Pending' },
            };
          polls++;
          return live();
        }) as any,
        list: (async (...args: unknown[]) => {
          lists.push(String(args[7]));
          return {
            items: [pending('hub-grafana-a'), pending('hub-grafana-b')],
          };
        }) as any,
      },
      logged,
    );
    expect(
      await a.waitReady([deployment], 10_000, { initialMs: 1, maxMs: 1 }),
    ).toEqual([]);
    expect(lists[0]).toBe('app.kubernetes.io/name=grafana');
    // One line while the reason stays the same, then ready.
    expect(logged.filter(l => l.startsWith('waiting for Deployment'))).toEqual([
      'waiting for Deployment monitoring/hub-grafana: rollout: 2 updated, 0 ready, 0 available of 2 desired; 2 pods Pending (hub-grafana-a, hub-grafana-b): 0/3 nodes are available: pod has unbound claims.; claim monitoring/plugins of storage class "nope" is not bound',
    ]);
    expect(logged.at(-1)).toBe('ready Deployment monitoring/hub-grafana');
  });
});
