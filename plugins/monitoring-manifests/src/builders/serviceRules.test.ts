import { InputError } from '@backstage/errors';
import { validateObjects } from '../validation';
import {
  buildServiceRules,
  CatalogEntity,
  ERROR_RATIO_ALERT,
  LATENCY_ALERT,
} from './serviceRules';

/** A component as catalog:fetch returns it: with the fields the catalog adds on reading. */
function fetched(
  annotations: Record<string, string>,
  extra: Partial<CatalogEntity> = {},
): CatalogEntity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'payments',
      namespace: 'default',
      description: 'Talks to the payment provider',
      uid: '4f1c8a52-3a3e-4d3c-9a59-0f3f7d0f6f11',
      etag: 'b7d9c3e0a1',
      annotations: {
        'backstage.io/managed-by-location':
          'file:/srv/backstage/examples/all.yaml',
        'backstage.io/managed-by-origin-location':
          'file:/srv/backstage/examples/all.yaml',
        ...annotations,
      },
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/team-shop',
      system: 'shop',
    },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/team-shop' }],
    ...extra,
  };
}

const annotated = fetched({
  'backstage.io/kubernetes-id': 'payments',
  'backstage.io/kubernetes-namespace': 'shop',
});

const rulesOf = (r: ReturnType<typeof buildServiceRules>) =>
  (r.rule.spec as any).groups[0].rules as Array<Record<string, any>>;

describe('buildServiceRules', () => {
  it('renders a valid VMRule the hub vmalert loads, with both alerts and the default thresholds', () => {
    const r = buildServiceRules({ entity: annotated });
    expect(() => validateObjects([r.rule])).not.toThrow();
    expect(r.rule).toMatchObject({
      apiVersion: 'operator.victoriametrics.com/v1beta1',
      kind: 'VMRule',
      metadata: {
        name: expect.stringMatching(/^payments-alerts-[0-9a-f]{6}$/),
        namespace: 'monitoring',
        labels: { 'monitoring.backstage.io/hub': 'hub' },
        annotations: {
          'monitoring.backstage.io/entity': 'component:default/payments',
        },
      },
    });
    const [errors, latency] = rulesOf(r);
    expect(errors.alert).toBe(ERROR_RATIO_ALERT);
    expect(errors.for).toBe('5m');
    expect(errors.expr).toMatch(/ > 0\.05$/);
    expect(errors.expr).toContain(
      'sum by (service, namespace, cluster, environment) (rate(http_requests_total{service="payments",namespace="shop",code=~"5.."}[5m]))',
    );
    expect(latency.alert).toBe(LATENCY_ALERT);
    expect(latency.for).toBe('10m');
    expect(latency.expr).toBe(
      'histogram_quantile(0.95, sum by (service, namespace, cluster, environment, le) (rate(http_request_duration_seconds_bucket{service="payments",namespace="shop"}[5m]))) > 0.5',
    );
    expect(r.alerts.map(a => a.expr)).toEqual([errors.expr, latency.expr]);
    expect(r.alerts.every(a => a.expr.startsWith(`${a.value} > `))).toBe(true);
  });

  it('labels the alerts with service, severity and the owner as team; annotations use only alert labels', () => {
    const r = buildServiceRules({
      entity: annotated,
      runbookUrl: 'https://runbooks.example.com/payments',
    });
    for (const rule of rulesOf(r)) {
      expect(rule.labels).toEqual({
        service: 'payments',
        severity: 'warning',
        team: 'team-shop',
      });
      expect(rule.annotations.runbook_url).toBe(
        'https://runbooks.example.com/payments',
      );
      expect(rule.annotations).not.toHaveProperty('dashboard');
      expect(rule.annotations.summary).toContain(
        '{{ $labels.service }} in {{ $labels.environment }}',
      );
    }
    expect(rulesOf(r)[0].annotations.description).toContain(
      'More than 5% of the requests',
    );
    expect(rulesOf(r)[1].annotations.description).toContain(
      'above 500ms for 10m',
    );
  });

  it('sets only the annotations asked for and keeps the others; drops what the catalog added', () => {
    const r = buildServiceRules({
      entity: annotated,
      profile: 'grpc',
      dashboardUrl: 'https://grafana.example.com/d/payments',
      kubernetesId: '',
    });
    expect(r.annotationsSet).toEqual({
      'monitoring/metrics-profile': 'grpc',
      'monitoring/dashboard-url': 'https://grafana.example.com/d/payments',
    });
    expect(r.entity).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'payments',
        namespace: 'default',
        description: 'Talks to the payment provider',
        annotations: {
          'backstage.io/kubernetes-id': 'payments',
          'backstage.io/kubernetes-namespace': 'shop',
          'monitoring/metrics-profile': 'grpc',
          'monitoring/dashboard-url': 'https://grafana.example.com/d/payments',
        },
      },
      spec: annotated.spec,
    });
    expect(rulesOf(r)[0].expr).toContain(
      'grpc_server_handled_total{service="payments",namespace="shop",grpc_code!="OK"}',
    );
    expect(rulesOf(r)[0].annotations.dashboard).toBe(
      'https://grafana.example.com/d/payments',
    );
    // The input entity is not modified.
    expect(annotated.metadata.annotations).not.toHaveProperty(
      'monitoring/metrics-profile',
    );
  });

  it('names the service from defaultKubernetesId only when no annotation does', () => {
    const bare = fetched(
      {},
      { metadata: { name: 'shop-docs', namespace: 'default' } },
    );
    const r = buildServiceRules({
      entity: bare,
      defaultKubernetesId: 'shop-docs',
    });
    expect(r.annotationsSet).toEqual({
      'backstage.io/kubernetes-id': 'shop-docs',
    });
    expect(r.target.service).toBe('shop-docs');

    const bySelector = fetched({
      'backstage.io/kubernetes-label-selector':
        'app.kubernetes.io/name=pay-api',
    });
    const s = buildServiceRules({
      entity: bySelector,
      defaultKubernetesId: 'payments',
    });
    expect(s.annotationsSet).toEqual({});
    expect(s.target.service).toBe('pay-api');
    expect(rulesOf(s)[1].expr).toContain('{service="pay-api"}');
  });

  it('takes monitoring/selector matchers from the annotations, escaped, never as text', () => {
    const r = buildServiceRules({
      entity: fetched({
        'backstage.io/kubernetes-id': 'payments',
        'monitoring/selector': 'route!=/healthz"} or vector(1)',
      }),
    });
    expect(rulesOf(r)[1].expr).toContain(
      '{service="payments",route!="/healthz\\"} or vector(1)"}',
    );
  });

  it('restricts to the chosen environments', () => {
    const one = buildServiceRules({
      entity: annotated,
      environments: ['production'],
    });
    expect(rulesOf(one)[1].expr).toContain(
      '{service="payments",namespace="shop",environment="production"}',
    );
    const two = buildServiceRules({
      entity: annotated,
      environments: ['staging', 'production'],
    });
    expect(rulesOf(two)[1].expr).toContain('environment=~"staging|production"');
  });

  it('names the rule after the entity, so same-named components of two catalog namespaces keep their own', () => {
    const other = fetched(annotated.metadata.annotations!, {
      metadata: { ...annotated.metadata, namespace: 'payments-team' },
    });
    const a = buildServiceRules({ entity: annotated }).rule;
    const b = buildServiceRules({ entity: other }).rule;
    expect(a.metadata.name).not.toBe(b.metadata.name);
    expect(b.metadata.annotations).toEqual({
      'monitoring.backstage.io/entity': 'component:payments-team/payments',
    });
    // Stable: a re-run renders the same name, so it updates the rule it made.
    expect(buildServiceRules({ entity: annotated }).rule.metadata.name).toBe(
      a.metadata.name,
    );
  });

  it('turns k=v alert-selector matchers into alert labels', () => {
    const r = buildServiceRules({
      entity: annotated,
      alertSelector: 'tier=api,stage!=batch',
    });
    expect(rulesOf(r)[0].labels).toEqual({
      service: 'payments',
      severity: 'warning',
      team: 'team-shop',
      tier: 'api',
    });
    expect(r.entity.metadata.annotations!['monitoring/alert-selector']).toBe(
      'tier=api,stage!=batch',
    );
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'an entity naming no service',
      { entity: fetched({}) },
      /pass kubernetesId/,
    ],
    [
      'a metrics profile without alerts',
      {
        entity: fetched({
          'backstage.io/kubernetes-id': 'p',
          'monitoring/metrics-profile': 'worker',
        }),
      },
      /"worker" has no alert expressions/,
    ],
    [
      'a service that is no label value',
      { entity: fetched({ 'monitoring/service-name': 'pay ments' }) },
      /can never match/,
    ],
    [
      'a template in a selector value',
      {
        entity: fetched({
          'backstage.io/kubernetes-id': 'p',
          'monitoring/selector': 'route={{ query "up" }}',
        }),
      },
      /\{\{ or \}\}/,
    ],
    [
      'a component name that is no VMRule name',
      {
        entity: fetched(
          {},
          {
            metadata: {
              name: 'Payments_API',
              annotations: { 'backstage.io/kubernetes-id': 'p' },
            },
          },
        ),
      },
      /pass ruleName/,
    ],
    [
      'an alert selector overriding severity',
      { entity: annotated, alertSelector: 'severity=critical' },
      /severity/,
    ],
    // `team` routes alerts: only the owner's, or another team would get paged for this service.
    [
      'an alert selector naming another team',
      { entity: annotated, alertSelector: 'team=payments-oncall' },
      /"team" is set by the rule itself/,
    ],
    // `namespace` comes from the series: a static one would relabel another namespace's alerts.
    [
      'an alert selector setting a namespace',
      { entity: annotated, alertSelector: 'namespace=other' },
      /"namespace" is set by the rule itself/,
    ],
    [
      'an alert selector the alerts cannot match',
      { entity: annotated, alertSelector: 'service!=payments' },
      /would not match/,
    ],
    [
      'a dashboard annotation that is not http',
      {
        entity: fetched({
          'backstage.io/kubernetes-id': 'p',
          // eslint-disable-next-line no-script-url -- a hostile link on purpose, to see it refused
          'monitoring/dashboard-url': 'javascript:alert(1)',
        }),
      },
      /dashboard-url: must be http or https/,
    ],
  ])('refuses %s with an InputError', (_what, input, message) => {
    expect(() => buildServiceRules(input as any)).toThrow(InputError);
    expect(() => buildServiceRules(input as any)).toThrow(message);
  });
});
