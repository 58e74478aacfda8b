import { notReadyReason } from './readiness';
import { selectorString } from './waitReasons';

const operator = (generation: number, status: Record<string, unknown>) => ({
  apiVersion: 'operator.victoriametrics.com/v1beta1',
  kind: 'VMCluster',
  metadata: { name: 'hub', namespace: 'monitoring', generation },
  status,
});

const deployment = (status: Record<string, unknown>, generation = 2) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'hub-grafana', namespace: 'monitoring', generation },
  spec: { replicas: 2 },
  status: { observedGeneration: generation, ...status },
});

describe('notReadyReason', () => {
  it("takes the operator's updateStatus only for the current generation", () => {
    expect(
      notReadyReason(
        operator(2, { updateStatus: 'operational', observedGeneration: 2 }),
      ),
    ).toBeUndefined();
    expect(
      notReadyReason(
        operator(3, { updateStatus: 'operational', observedGeneration: 2 }),
      ),
    ).toBe(
      'status operational; the operator has not observed generation 3 yet (status is of generation 2)',
    );
    expect(
      notReadyReason(
        operator(2, {
          updateStatus: 'failed',
          observedGeneration: 2,
          reason: 'cannot create vmstorage:\nstorageclass "nope" not found',
        }),
      ),
    ).toBe(
      'status failed: cannot create vmstorage: storageclass "nope" not found',
    );
    expect(notReadyReason(operator(1, {}))).toBe('status not reported');
    // An operator that does not report observedGeneration is taken at its word.
    expect(
      notReadyReason(operator(4, { updateStatus: 'operational' })),
    ).toBeUndefined();
    expect(notReadyReason(operator(1, { clusterStatus: 'expanding' }))).toBe(
      'status expanding',
    );
  });

  it("reports a Deployment's rollout: observed, updated, ready and available of desired, no old replicas", () => {
    const complete = {
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
    };
    expect(notReadyReason(deployment(complete))).toBeUndefined();
    expect(
      notReadyReason({
        ...deployment(complete),
        status: { ...complete, observedGeneration: 1 },
      }),
    ).toBe(
      'its controller has not observed generation 2 yet (status is of generation 1)',
    );
    expect(
      notReadyReason(
        deployment({ replicas: 1, updatedReplicas: 1, readyReplicas: 1 }),
      ),
    ).toBe('rollout: 1 updated, 1 ready, 0 available of 2 desired');
    expect(notReadyReason(deployment({ ...complete, replicas: 3 }))).toBe(
      'rollout: 2 updated, 2 ready, 2 available of 2 desired, 1 old still running',
    );
    expect(notReadyReason({ ...deployment({}), status: undefined })).toBe(
      'its controller has not observed generation 2 yet',
    );
  });

  it("reports a DaemonSet's pods and a StatefulSet's replicas (its partition and OnDelete strategy)", () => {
    const daemonSet = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'node-exporter', generation: 1 },
      status: {
        observedGeneration: 1,
        desiredNumberScheduled: 3,
        updatedNumberScheduled: 3,
        numberReady: 1,
        numberAvailable: 1,
      },
    };
    expect(notReadyReason(daemonSet)).toBe(
      'rollout: 3 updated, 1 ready, 1 available of 3 desired pods',
    );
    expect(
      notReadyReason({
        ...daemonSet,
        status: { ...daemonSet.status, numberReady: 3, numberAvailable: 3 },
      }),
    ).toBeUndefined();

    const sts = (
      spec: Record<string, unknown>,
      status: Record<string, unknown>,
    ) => ({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'x', generation: 1 },
      spec: { replicas: 3, ...spec },
      status: { observedGeneration: 1, ...status },
    });
    expect(
      notReadyReason(sts({}, { readyReplicas: 3, updatedReplicas: 1 })),
    ).toBe('rollout: 1 updated, 3 ready, 3 available of 3 desired');
    expect(
      notReadyReason(
        sts(
          {
            updateStrategy: {
              type: 'RollingUpdate',
              rollingUpdate: { partition: 2 },
            },
          },
          { readyReplicas: 3, updatedReplicas: 1 },
        ),
      ),
    ).toBeUndefined();
    expect(
      notReadyReason(
        sts({ updateStrategy: { type: 'OnDelete' } }, { readyReplicas: 2 }),
      ),
    ).toBe('rollout: 3 updated, 2 ready, 2 available of 3 desired');
  });
});

describe('selectorString', () => {
  it('writes matchLabels and matchExpressions, and nothing it cannot write safely', () => {
    expect(
      selectorString({
        matchLabels: { 'app.kubernetes.io/name': 'grafana' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['a', 'b'] },
          { key: 'canary', operator: 'DoesNotExist' },
        ],
      }),
    ).toBe('app.kubernetes.io/name=grafana,tier in (a,b),!canary');
    expect(selectorString({ matchLabels: { app: 'x,y=z' } })).toBeUndefined();
    expect(selectorString({})).toBeUndefined();
  });
});
