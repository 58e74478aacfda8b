import { parseAllDocuments } from 'yaml';
import { operatorKinds } from './crds';
import { kwokStagesYaml, STORAGE_CLASSES } from './stages';

const stages = (operator: boolean) =>
  parseAllDocuments(kwokStagesYaml({ operator })).map(d => d.toJS());

describe("the local clusters' kwok stages", () => {
  it("simulate the operator's status for every kind of the CRD bundle, and only with it", () => {
    const withOperator = stages(true);
    const refs = new Set(
      withOperator
        .filter(
          s =>
            s.spec.resourceRef.apiGroup ===
            'operator.victoriametrics.com/v1beta1',
        )
        .map(s => s.spec.resourceRef.kind),
    );
    expect([...refs].sort()).toEqual([...operatorKinds()].sort());
    expect(refs.has('VMCluster')).toBe(true);
    // kwok exits on a stage for a kind the cluster does not serve.
    expect(
      stages(false).some(s =>
        s.spec.resourceRef.apiGroup.startsWith('operator.'),
      ),
    ).toBe(false);
  });

  it('move a new generation to expanding with its observedGeneration, then to operational', () => {
    const vmagent = stages(true).filter(
      s => s.spec.resourceRef.kind === 'VMAgent',
    );
    const reconcile = vmagent.find(
      s => s.metadata.name === 'vmagent-reconcile',
    );
    const operational = vmagent.find(
      s => s.metadata.name === 'vmagent-operational',
    );
    expect(reconcile.spec.steps[0].patch.template).toContain(
      'updateStatus: expanding',
    );
    expect(reconcile.spec.steps[0].patch.template).toContain(
      'observedGeneration: {{ .metadata.generation }}',
    );
    expect(JSON.stringify(reconcile.spec.selector)).toContain(
      'self.status.observedGeneration != self.metadata.generation',
    );
    expect(operational.spec.steps[0].patch.template).toContain(
      'updateStatus: operational',
    );
    expect(operational.spec.delay.durationMilliseconds).toBeGreaterThan(0);
  });

  it('fail a VMCluster whose vmstorage asks for a storage class the cluster lacks, with a reason', () => {
    const failed = stages(true).find(
      s => s.metadata.name === 'vmcluster-failed',
    );
    expect(failed.spec.steps[0].patch.template).toContain(
      'updateStatus: failed',
    );
    expect(failed.spec.steps[0].patch.template).toContain('reason:');
    const selector = JSON.stringify(failed.spec.selector);
    for (const sc of Object.keys(STORAGE_CLASSES))
      expect(selector).toContain(sc);
  });

  it("bind claims of the clusters' storage classes only, and keep kwok's node and pod stages", () => {
    const all = stages(true);
    const provision = all.find(s => s.metadata.name === 'pvc-provision');
    expect(
      provision.spec.selector.matchExpressions[0].cel.expression,
    ).toContain('["gp3","efs"]');
    const names = all.map(s => s.metadata.name);
    for (const name of [
      'node-initialize',
      'node-heartbeat-with-lease',
      'pod-ready',
      'pod-delete',
    ])
      expect(names).toContain(name);
    // pod-ready also serves a Running pod that lost its Ready condition.
    const podReady = all.find(s => s.metadata.name === 'pod-ready');
    const phase = podReady.spec.selector.matchExpressions.find(
      (e: any) => e.key === '.status.phase',
    );
    expect(phase.values).toEqual(['Pending', 'Running']);
  });
});
