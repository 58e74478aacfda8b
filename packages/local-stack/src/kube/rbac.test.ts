import { applyGuard, applyRules, PORTAL_RULES } from './rbac';

const APPLY_RULES = applyRules(['monitoring']);

describe("Backstage's identities in the local clusters", () => {
  it('give the portal only the operator kinds the Stack tab shows: not VMUser, whose spec may hold a password', () => {
    const operator = PORTAL_RULES.find(r =>
      r.apiGroups.includes('operator.victoriametrics.com'),
    )!;
    expect(operator.resources).not.toContain('vmusers');
    expect(operator.resources).toContain('vmagents');
    expect(PORTAL_RULES.flatMap(r => r.resources)).not.toContain('pods/log');
  });

  it('keep apply out of the system namespaces even if a caller lists one', () => {
    expect(() => applyGuard(['monitoring', 'kube-system'])).toThrow(
      'apply may not be allowed into kube-system',
    );
    expect(
      applyRules(['monitoring', 'obs']).find(r =>
        r.resources.includes('namespaces'),
      )?.resourceNames,
    ).toEqual(['monitoring', 'obs']);
  });

  it('give the portal reads only, and no Secrets', () => {
    for (const rule of PORTAL_RULES) {
      expect(rule.verbs.every(v => ['get', 'list', 'watch'].includes(v))).toBe(
        true,
      );
      expect(rule.resources).not.toContain('secrets');
      expect(rule.resources).not.toContain('*');
    }
  });

  it("name the operator's resources instead of a wildcard", () => {
    for (const rules of [PORTAL_RULES, APPLY_RULES]) {
      const operator = rules.find(r =>
        r.apiGroups.includes('operator.victoriametrics.com'),
      );
      expect(operator?.resources).toContain('vmagents');
      expect(operator?.resources).toContain('vmclusters');
      expect(rules.every(r => !r.resources.includes('*'))).toBe(true);
    }
  });

  it('give apply no escalate at all, and no listing of Secrets', () => {
    expect(APPLY_RULES.some(r => r.verbs.includes('escalate'))).toBe(false);
    const secrets = APPLY_RULES.filter(r => r.resources.includes('secrets'));
    const lists = APPLY_RULES.filter(
      r => r.verbs.includes('list') && !r.verbs.includes('watch'),
    );
    // list only where readiness needs it (a workload's pods); the rest are the KSM role's reads.
    expect(lists.flatMap(r => r.resources)).toEqual(['pods']);
    expect(secrets.flatMap(r => r.verbs).sort()).toEqual([
      'create',
      'get',
      'patch',
    ]);
  });

  it('give apply no wildcard verb, no delete, and RBAC escalation on one named role only', () => {
    for (const rule of APPLY_RULES) {
      expect(rule.verbs).not.toContain('*');
      expect(rule.verbs).not.toContain('delete');
      if (rule.verbs.includes('escalate') || rule.verbs.includes('bind'))
        expect(rule.resourceNames).toEqual(['kube-state-metrics-monitoring']);
      if (rule.apiGroups.includes('rbac.authorization.k8s.io'))
        expect(rule.resourceNames).toEqual(['kube-state-metrics-monitoring']);
    }
  });
});
