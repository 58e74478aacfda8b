import { APPLY_RULES, PORTAL_RULES } from './rbac';

describe("Backstage's identities in the local clusters", () => {
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
        expect(rule.resourceNames?.length).toBe(1);
    }
  });
});
