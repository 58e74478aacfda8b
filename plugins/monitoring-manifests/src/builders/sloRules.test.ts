import { validateObjects } from '../validation';
import { buildServiceRules, CatalogEntity } from './serviceRules';

function component(annotations: Record<string, string>): CatalogEntity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'payments',
      namespace: 'default',
      annotations: {
        'backstage.io/kubernetes-id': 'payments',
        'backstage.io/kubernetes-namespace': 'shop',
        ...annotations,
      },
    },
    spec: { owner: 'group:default/team-shop' },
  };
}

const SLO = {
  'monitoring/slo-availability': '99.9',
  'monitoring/slo-latency': '99',
  'monitoring/slo-latency-threshold': '1s',
};

type Rule = Record<string, any>;
const groupsOf = (r: ReturnType<typeof buildServiceRules>) =>
  (r.rule.spec as any).groups as Array<{
    name: string;
    interval?: string;
    rules: Rule[];
  }>;

describe('SLO rules of buildServiceRules', () => {
  it('renders no SLO rule for a component without objectives (no invented targets)', () => {
    const r = buildServiceRules({ entity: component({}) });
    expect(r.slos.objectives).toEqual([]);
    expect(r.sloGroups).toEqual([]);
    expect(groupsOf(r)).toHaveLength(1);
  });

  it('adds the SLO groups to the VMRule, which validates against the operator CRD', () => {
    const r = buildServiceRules({ entity: component(SLO) });
    expect(() => validateObjects([r.rule])).not.toThrow();
    const [, windows, period] = groupsOf(r);
    expect(windows.name).toMatch(/^payments-alerts-[0-9a-f]{6}-slo$/);
    expect(period.name).toBe(`${windows.name}-period`);
    expect(period.interval).toBe('5m');
    expect(windows.interval).toBeUndefined();
  });

  it("records Sloth's series per window and the period, with Sloth's labels", () => {
    const r = buildServiceRules({ entity: component(SLO) });
    const records = r.sloGroups
      .flatMap(g => g.rules as Rule[])
      .filter(rule => rule.record && rule.labels.sloth_slo === 'availability');
    expect(records.map(rule => rule.record)).toEqual([
      'slo:sli_error:ratio_rate5m',
      'slo:sli_error:ratio_rate30m',
      'slo:sli_error:ratio_rate1h',
      'slo:sli_error:ratio_rate2h',
      'slo:sli_error:ratio_rate6h',
      'slo:sli_error:ratio_rate1d',
      'slo:sli_error:ratio_rate3d',
      'slo:objective:ratio',
      'slo:error_budget:ratio',
      'slo:time_period:days',
      'slo:current_burn_rate:ratio',
      'slo:sli_error:ratio_rate30d',
      'slo:period_burn_rate:ratio',
      'slo:period_error_budget_remaining:ratio',
    ]);
    const oneHour = records.find(
      rule => rule.record === 'slo:sli_error:ratio_rate1h',
    )!;
    expect(oneHour.labels).toEqual({
      // Per rendered rule: two components naming one service never share series.
      sloth_id: `${r.rule.metadata.name}-availability`,
      sloth_service: 'payments',
      sloth_slo: 'availability',
      sloth_window: '1h',
      service: 'payments',
    });
    expect(oneHour.expr).toBe(
      '(sum by (namespace, environment) (rate(http_requests_total{service="payments",namespace="shop",code=~"5.."}[1h]))' +
        ' or sum by (namespace, environment) (rate(http_requests_total{service="payments",namespace="shop"}[1h])) * 0)' +
        ' / sum by (namespace, environment) (rate(http_requests_total{service="payments",namespace="shop"}[1h]))',
    );
    const byRecord = Object.fromEntries(
      records.map(rule => [rule.record, rule]),
    );
    expect(byRecord['slo:objective:ratio'].expr).toBe('vector(0.999)');
    expect(byRecord['slo:error_budget:ratio'].expr).toBe('vector(0.001)');
    expect(byRecord['slo:time_period:days'].expr).toBe('vector(30)');
    // The period's ratio is scanned once; budget and burn rate divide the recorded one.
    expect(byRecord['slo:sli_error:ratio_rate30d'].expr).toContain('[30d]');
    expect(byRecord['slo:period_error_budget_remaining:ratio'].expr).toBe(
      `1 - max without (sloth_window) (slo:sli_error:ratio_rate30d{sloth_id="${r.rule.metadata.name}-availability"}) / 0.001`,
    );
    expect(byRecord['slo:period_burn_rate:ratio'].expr).toBe(
      `max without (sloth_window) (slo:sli_error:ratio_rate30d{sloth_id="${r.rule.metadata.name}-availability"}) / 0.001`,
    );
  });

  it('the latency SLI reads the threshold bucket and the +Inf bucket', () => {
    const r = buildServiceRules({ entity: component(SLO) });
    const latency = r.sloGroups[0].rules.find(
      (rule: Rule) =>
        rule.record === 'slo:sli_error:ratio_rate5m' &&
        rule.labels.sloth_slo === 'latency',
    ) as Rule;
    expect(latency.expr).toContain('le="+Inf"');
    expect(latency.expr).toContain('le=~"1|1\\\\.0"');
  });

  it('alerts after the workbook: page on 14.4x (1h and 5m) or 6x (6h and 30m), ticket on 3x (1d and 2h) or 1x (3d and 6h)', () => {
    const r = buildServiceRules({ entity: component(SLO) });
    const alerts = r.sloGroups[0].rules.filter(
      (rule: Rule) => rule.alert && rule.labels.sloth_slo === 'availability',
    ) as Rule[];
    expect(
      alerts.map(a => [a.alert, a.labels.sloth_severity, a.labels.severity]),
    ).toEqual([
      ['ServiceSLOErrorBudgetBurnPage', 'page', 'critical'],
      ['ServiceSLOErrorBudgetBurnTicket', 'ticket', 'warning'],
    ]);
    const sel = (w: string) =>
      `slo:sli_error:ratio_rate${w}{sloth_id="${r.rule.metadata.name}-availability",sloth_service="payments",sloth_slo="availability"}`;
    const above = (w: string, f: number) =>
      `max without (sloth_window) (${sel(w)} > (${f} * 0.001))`;
    expect(alerts[0].expr).toBe(
      `(${above('1h', 14.4)} and ${above('5m', 14.4)}) or (${above('6h', 6)} and ${above('30m', 6)})`,
    );
    expect(alerts[1].expr).toBe(
      `(${above('1d', 3)} and ${above('2h', 3)}) or (${above('3d', 1)} and ${above('6h', 1)})`,
    );
    expect(alerts[0].labels).toMatchObject({
      service: 'payments',
      team: 'team-shop',
    });
  });

  it('sets the annotations and severities asked for, and the period the rules use', () => {
    const r = buildServiceRules({
      entity: component({}),
      sloAvailability: '99.5',
      sloPeriod: '28d',
      sloPageSeverity: 'warning',
      sloTicketSeverity: 'info',
    });
    expect(r.annotationsSet).toEqual({
      'monitoring/slo-availability': '99.5',
      'monitoring/slo-period': '28d',
    });
    expect(r.entity.metadata.annotations).toMatchObject(r.annotationsSet);
    const rules = r.sloGroups.flatMap(g => g.rules as Rule[]);
    expect(
      rules.some(rule => rule.record === 'slo:sli_error:ratio_rate28d'),
    ).toBe(true);
    expect(
      rules.filter(rule => rule.alert).map(a => a.labels.severity),
    ).toEqual(['warning', 'info']);
  });

  it.each([
    [{ sloAvailability: '100' }, /sloAvailability: .*from 50 to below 100/],
    [{ sloLatencyThreshold: '2m' }, /sloLatencyThreshold: .*1ms to 60s/],
    [{ sloPeriod: '1d' }, /sloPeriod: .*7d to 90d/],
    [{ sloLatency: '99' }, /entity: .*go together/],
  ])('refuses %j with a clear message', (input, message) => {
    expect(() =>
      buildServiceRules({ entity: component({}), ...input }),
    ).toThrow(message);
  });

  it('gives the burn-rate alerts the severity an alert selector pins, so the entity still sees them', () => {
    const r = buildServiceRules({
      entity: component({
        ...SLO,
        'monitoring/alert-selector': 'severity=warning',
      }),
    });
    const alerts = r.sloGroups[0].rules.filter(
      (rule: Rule) => rule.alert,
    ) as Rule[];
    expect(alerts.map(a => a.labels.severity)).toEqual([
      'warning',
      'warning',
      'warning',
      'warning',
    ]);
  });

  it('two components naming one service write distinct series', () => {
    const a = buildServiceRules({ entity: component(SLO) });
    const other = component(SLO);
    other.metadata.name = 'payments-v2';
    const b = buildServiceRules({ entity: other });
    const ids = (r: typeof a) =>
      new Set(
        r.sloGroups.flatMap(g =>
          g.rules.map((rule: Rule) => rule.labels.sloth_id),
        ),
      );
    expect([...ids(a)].filter(id => ids(b).has(id))).toEqual([]);
  });

  it('restricts the SLIs to the environments asked for', () => {
    const r = buildServiceRules({
      entity: component(SLO),
      environments: ['production'],
    });
    const first = r.sloGroups[0].rules[0] as Rule;
    expect(first.expr).toContain('environment="production"');
  });
});
