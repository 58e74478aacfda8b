/**
 * The service alerts rendered by the monitor-a-service template (`serviceAlerts` in
 * monitoring-common) must read the same series as the per-service panels of this backend's
 * built-in profiles: the same metric names, error matcher, selector and query shape. Only the
 * grouping (per cluster and environment for alerts) may differ. This fails when either side
 * changes alone.
 */
import {
  LabelMatcher,
  SERVICE_ALERT_GROUPING,
  SERVICE_ALERT_PROFILES,
  renderMatchers,
  resolveServiceTarget,
  serviceErrorRatioQuery,
  serviceLatencyQuantileQuery,
} from '@internal/plugin-monitoring-common';
import { BUILT_IN_PROFILES, renderQuery } from './profiles';

const WINDOW = '5m';
const matchers: LabelMatcher[] = resolveServiceTarget({
  'backstage.io/kubernetes-id': 'payments',
  'backstage.io/kubernetes-namespace': 'shop',
  'monitoring/selector': 'route!=/healthz',
}).matchers;

function panelQuery(profile: string, panelId: string): string {
  const panel = BUILT_IN_PROFILES[profile].find(p => p.id === panelId);
  if (!panel) throw new Error(`profile ${profile} has no panel ${panelId}`);
  return renderQuery(panel.query, {
    selector: renderMatchers(matchers),
    podSelector: '',
    cadvisorSelector: '',
    window: WINDOW,
  });
}

describe('service alerts vs. the backend profiles', () => {
  it('covers every built-in profile that has error-ratio and p95 panels', () => {
    const withBoth = Object.entries(BUILT_IN_PROFILES)
      .filter(([, panels]) => ['errorRatio', 'latencyP95'].every(id => panels.some(p => p.id === id)))
      .map(([name]) => name)
      .sort();
    expect([...SERVICE_ALERT_PROFILES].sort()).toEqual(withBoth);
  });

  describe.each(SERVICE_ALERT_PROFILES)('profile %s', profile => {
    it('grouped by environment, the error ratio is exactly the errorRatio panel', () => {
      expect(serviceErrorRatioQuery({ profile, matchers, window: WINDOW, by: ['environment'] })).toBe(
        panelQuery(profile, 'errorRatio'),
      );
    });

    it('grouped by environment, the p95 is exactly the latencyP95 panel', () => {
      expect(
        serviceLatencyQuantileQuery({ profile, matchers, window: WINDOW, by: ['environment'] }, 0.95),
      ).toBe(panelQuery(profile, 'latencyP95'));
    });

    it('the alerts differ from the panels only in their grouping', () => {
      const perCluster = `by (${SERVICE_ALERT_GROUPING.join(', ')}`;
      expect(SERVICE_ALERT_GROUPING).toContain('environment');
      const alertQueries = [
        serviceErrorRatioQuery({ profile, matchers, window: WINDOW }),
        serviceLatencyQuantileQuery({ profile, matchers, window: WINDOW }),
      ];
      expect(alertQueries.map(q => q.split(perCluster).join('by (environment'))).toEqual([
        panelQuery(profile, 'errorRatio'),
        panelQuery(profile, 'latencyP95'),
      ]);
    });
  });
});
