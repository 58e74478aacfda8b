import { Entity } from '@backstage/catalog-model';
import { isMonitoringAvailable } from './isMonitoringAvailable';

function entity(annotations?: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'checkout', annotations },
    spec: {},
  };
}

describe('isMonitoringAvailable', () => {
  it.each([
    ['monitoring/service-name', 'checkout'],
    ['backstage.io/kubernetes-id', 'checkout'],
    [
      'backstage.io/kubernetes-label-selector',
      'app.kubernetes.io/name=checkout',
    ],
  ])('is true with %s', (key, value) => {
    expect(isMonitoringAvailable(entity({ [key]: value }))).toBe(true);
  });

  it('is false without annotations or with only unrelated ones', () => {
    expect(isMonitoringAvailable(entity())).toBe(false);
    expect(
      isMonitoringAvailable(
        entity({
          'monitoring/dashboard-url': 'https://grafana.example/d/x',
          'backstage.io/kubernetes-namespace': 'shop',
        }),
      ),
    ).toBe(false);
  });
});
