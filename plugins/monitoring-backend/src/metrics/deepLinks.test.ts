import { grafanaExploreLink, vmuiLink } from './deepLinks';

const range = { start: 1_764_576_000, end: 1_764_579_600, stepSeconds: 15 };
const query =
  'sum by (environment) (rate(http_requests_total{service="pay&ments"}[120s]))';

describe('deep links', () => {
  it('opens the same query and range in vmui', () => {
    const url = new URL(vmuiLink('http://127.0.0.1:8428/vmui/', query, range));
    expect(url.origin + url.pathname).toBe('http://127.0.0.1:8428/vmui/');
    const state = new URLSearchParams(url.hash.replace(/^#\/\?/, ''));
    expect(state.get('g0.expr')).toBe(query);
    expect(state.get('g0.range_input')).toBe('3600s');
    expect(state.get('g0.end_input')).toBe('2025-12-01T09:00:00');
    expect(state.get('g0.step_input')).toBe('15s');
  });

  it("opens the same query and range in Grafana's Explore", () => {
    const url = new URL(
      grafanaExploreLink('https://grafana.example.com', query, range),
    );
    expect(url.pathname).toBe('/explore');
    const left = JSON.parse(url.searchParams.get('left')!);
    expect(left).toEqual({
      range: { from: '1764576000000', to: '1764579600000' },
      queries: [{ refId: 'A', expr: query, range: true }],
    });
  });
});
