import { InvalidMatcherError, LabelMatcher } from './promql';
import {
  environmentMatcher,
  serviceAlertExpressions,
  serviceErrorRatioQuery,
  serviceLatencyQuantileQuery,
  servicePanelTemplates,
  SERVICE_ALERT_PROFILES,
} from './serviceAlerts';
import { renderMatchers } from './promql';
import { resolveServiceTarget } from './serviceSelector';

const payments = resolveServiceTarget({
  'backstage.io/kubernetes-id': 'payments',
  'backstage.io/kubernetes-namespace': 'shop',
}).matchers;

describe('service alert expressions', () => {
  it('builds the http error ratio per service, namespace, cluster and environment', () => {
    expect(
      serviceErrorRatioQuery({
        profile: 'http',
        matchers: payments,
        window: '5m',
      }),
    ).toBe(
      '(sum by (service, namespace, cluster, environment) (rate(http_requests_total{service="payments",namespace="shop",code=~"5.."}[5m]))' +
        ' or sum by (service, namespace, cluster, environment) (rate(http_requests_total{service="payments",namespace="shop"}[5m])) * 0)' +
        ' / sum by (service, namespace, cluster, environment) (rate(http_requests_total{service="payments",namespace="shop"}[5m]))',
    );
  });

  it('builds the grpc p95 from the handling-time histogram, grouped with le', () => {
    expect(
      serviceLatencyQuantileQuery({
        profile: 'grpc',
        matchers: payments,
        window: '2m',
        by: ['environment'],
      }),
    ).toBe(
      'histogram_quantile(0.95, sum by (environment, le) (rate(grpc_server_handling_seconds_bucket{service="payments",namespace="shop"}[2m])))',
    );
  });

  it('counts non-OK grpc codes as errors', () => {
    expect(
      serviceErrorRatioQuery({
        profile: 'grpc',
        matchers: payments,
        window: '5m',
      }),
    ).toContain(
      'grpc_server_handled_total{service="payments",namespace="shop",grpc_code!="OK"}',
    );
  });

  it('appends the thresholds to the alert expressions only', () => {
    const e = serviceAlertExpressions({
      profile: 'http',
      matchers: payments,
      window: '5m',
      errorRatioThreshold: 0.05,
      latencyP95ThresholdSeconds: 0.5,
    });
    expect(e.errorRatio.alert).toBe(`${e.errorRatio.value} > 0.05`);
    expect(e.latencyP95.alert).toBe(`${e.latencyP95.value} > 0.5`);
    expect(e.errorRatio.value).not.toContain('>');
  });

  it('keeps an injection attempt inside one escaped label value', () => {
    const hostile = resolveServiceTarget({
      'backstage.io/kubernetes-id': 'x"} or vector(1) #',
    }).matchers;
    const q = serviceErrorRatioQuery({
      profile: 'http',
      matchers: hostile,
      window: '5m',
    });
    expect(q).toContain(
      'http_requests_total{service="x\\"} or vector(1) #",code=~"5.."}',
    );
    expect(q.match(/vector\(1\)/g)).toHaveLength(3);
  });

  it.each<[string, Partial<Parameters<typeof serviceAlertExpressions>[0]>]>([
    ['an unknown profile', { profile: 'worker' as any }],
    ['a window that is not a duration', { window: '5m]) or vector(1' }],
    ['grouping by le', { by: ['le'] }],
    ['an invalid grouping label', { by: ['environment) or (x'] }],
    ['a ratio threshold of 1', { errorRatioThreshold: 1 }],
    ['a negative latency threshold', { latencyP95ThresholdSeconds: -1 }],
  ])('refuses %s', (_what, patch) => {
    expect(() =>
      serviceAlertExpressions({
        profile: 'http',
        matchers: payments,
        window: '5m',
        errorRatioThreshold: 0.05,
        latencyP95ThresholdSeconds: 0.5,
        ...patch,
      }),
    ).toThrow(InvalidMatcherError);
  });

  it('restricts environments with an exact or an escaped alternation matcher', () => {
    expect(environmentMatcher([])).toBeUndefined();
    expect(
      environmentMatcher(['production', 'production']),
    ).toEqual<LabelMatcher>({
      name: 'environment',
      op: '=',
      value: 'production',
    });
    expect(environmentMatcher(['staging', 'prod.eu'])).toEqual<LabelMatcher>({
      name: 'environment',
      op: '=~',
      value: 'staging|prod\\.eu',
    });
  });

  it.each(SERVICE_ALERT_PROFILES)(
    'gives the %s panels, filled in, exactly the alert queries grouped by environment',
    profile => {
      // The backend fills $selector with the escaped matchers and $window with the rate window.
      const fill = (template: string) =>
        template
          .replace(/\$selector/g, renderMatchers(payments))
          .replace(/\$window/g, '5m');
      const panels = servicePanelTemplates(profile);
      const options = {
        profile,
        matchers: payments,
        window: '5m',
        by: ['environment'],
      };
      expect(fill(panels.errorRatio)).toBe(serviceErrorRatioQuery(options));
      expect(fill(panels.latencyQuantile(0.95))).toBe(
        serviceLatencyQuantileQuery(options, 0.95),
      );
      expect(panels.requestRate).toMatch(
        /^sum by \(environment\) \(rate\(\w+_total\{\$selector\}\[\$window\]\)\)$/,
      );
    },
  );
});
