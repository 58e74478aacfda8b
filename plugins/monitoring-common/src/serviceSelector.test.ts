import { InvalidMatcherError, renderMatchers } from './promql';
import {
  hasMonitoringAnnotations,
  resolveServiceTarget,
} from './serviceSelector';

describe('resolveServiceTarget', () => {
  it('uses the kubernetes id and namespace', () => {
    const t = resolveServiceTarget({
      'backstage.io/kubernetes-id': 'checkout',
      'backstage.io/kubernetes-namespace': 'shop',
    });
    expect(t.service).toBe('checkout');
    expect(t.profile).toBe('http');
    expect(renderMatchers(t.matchers)).toBe(
      'service="checkout",namespace="shop"',
    );
  });

  it('prefers monitoring/service-name over the kubernetes id', () => {
    const t = resolveServiceTarget({
      'backstage.io/kubernetes-id': 'checkout',
      'monitoring/service-name': 'checkout-v2',
      'monitoring/metrics-profile': 'grpc',
    });
    expect(t.service).toBe('checkout-v2');
    expect(t.profile).toBe('grpc');
  });

  it('takes the service from a label selector on a service pod label', () => {
    const t = resolveServiceTarget({
      'backstage.io/kubernetes-label-selector':
        'app.kubernetes.io/name=inventory,tier=api',
    });
    expect(t.service).toBe('inventory');
  });

  it('rejects a label selector that names no service', () => {
    expect(() =>
      resolveServiceTarget({
        'backstage.io/kubernetes-label-selector': 'tier=api',
      }),
    ).toThrow(/must select on/);
  });

  it('escapes an injection attempt in the kubernetes id', () => {
    const t = resolveServiceTarget({
      'backstage.io/kubernetes-id': 'checkout"} or vector(1) #',
    });
    expect(renderMatchers(t.matchers)).toBe(
      'service="checkout\\"} or vector(1) #"',
    );
  });

  it('adds monitoring/selector matchers but not ones that override the contract', () => {
    const t = resolveServiceTarget({
      'backstage.io/kubernetes-id': 'checkout',
      'monitoring/selector': 'route!=/healthz',
    });
    expect(renderMatchers(t.matchers)).toBe(
      'service="checkout",route!="/healthz"',
    );
    expect(() =>
      resolveServiceTarget({
        'backstage.io/kubernetes-id': 'checkout',
        'monitoring/selector': 'environment=dev',
      }),
    ).toThrow(InvalidMatcherError);
  });

  it('fails clearly without annotations', () => {
    expect(() => resolveServiceTarget({})).toThrow(/has none of/);
    expect(hasMonitoringAnnotations({})).toBe(false);
    expect(hasMonitoringAnnotations(undefined)).toBe(false);
    expect(
      hasMonitoringAnnotations({ 'backstage.io/kubernetes-id': 'x' }),
    ).toBe(true);
  });
});
