import { resolveAlertScope } from '@hubspoke/backstage-plugin-monitoring-common';
import { alertHistory, alertHistoryQuery, toIntervals } from './alertHistory';

describe('alert history', () => {
  it('queries ALERTS once, with the entity scope escaped and missing labels allowed', () => {
    const scope = resolveAlertScope({
      'backstage.io/kubernetes-id': 'pay"ments',
      'backstage.io/kubernetes-namespace': 'sh.op',
      'monitoring/selector': 'container=api',
      'monitoring/alert-selector': 'team=shop',
    });
    // The namespace exactly: alerts without one only for the service's sole owner.
    expect(alertHistoryQuery(scope)).toBe(
      'max by (alertname, alertstate, environment, cluster) ' +
        '(ALERTS{service="pay\\"ments",namespace="sh.op",team="shop",container=~"api|"})',
    );
    expect(alertHistoryQuery({ ...scope, unnamespacedAlerts: true })).toBe(
      'max by (alertname, alertstate, environment, cluster) ' +
        '(ALERTS{service="pay\\"ments",namespace=~"sh\\\\.op|",team="shop",container=~"api|"})',
    );
    const roadie = resolveAlertScope({
      'prometheus.io/alert': 'High.Rate,Other',
    });
    expect(alertHistoryQuery(roadie)).toBe(
      // Naming no service, it sees only alerts without one.
      'max by (alertname, alertstate, environment, cluster) (ALERTS{alertname=~"High\\\\.Rate|Other",service=""})',
    );
  });

  it('turns points into intervals: consecutive steps merge, a gap splits', () => {
    const step = 60_000;
    const points: Array<[number, number]> = [0, 1, 2, 5, 6].map(i => [
      i * step,
      1,
    ]);
    expect(toIntervals(points, 'firing', step, 10 * step)).toEqual([
      { state: 'firing', start: 0, end: 3 * step },
      { state: 'firing', start: 5 * step, end: 7 * step },
    ]);
    // The last interval ends at the range's end, not past it.
    expect(toIntervals([[9 * step, 1]], 'pending', step, 9.5 * step)).toEqual([
      { state: 'pending', start: 9 * step, end: 9.5 * step },
    ]);
  });

  it('groups by alert, environment and cluster, firing and pending together', () => {
    const res = alertHistory(
      'component:default/payments',
      [
        {
          metric: {
            alertname: 'A',
            alertstate: 'firing',
            environment: 'production',
            cluster: 'prod',
          },
          points: [[120_000, 1]],
        },
        {
          metric: {
            alertname: 'A',
            alertstate: 'pending',
            environment: 'production',
            cluster: 'prod',
          },
          points: [
            [0, 1],
            [60_000, 1],
          ],
        },
        {
          metric: { alertname: 'A', alertstate: 'pending', environment: 'dev' },
          points: [[0, 1]],
        },
        { metric: { alertname: 'A', alertstate: 'weird' }, points: [[0, 1]] },
      ],
      { start: 0, end: 600, stepSeconds: 60, windowSeconds: 120 },
      ['dev', 'staging', 'production'],
    );
    expect(res.alerts).toEqual([
      {
        alertname: 'A',
        environment: 'dev',
        intervals: [{ state: 'pending', start: 0, end: 60_000 }],
      },
      {
        alertname: 'A',
        environment: 'production',
        cluster: 'prod',
        intervals: [
          { state: 'pending', start: 0, end: 120_000 },
          { state: 'firing', start: 120_000, end: 180_000 },
        ],
      },
    ]);
  });
});
