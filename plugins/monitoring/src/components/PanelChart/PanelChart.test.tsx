import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import {
  FIXTURE_FROM,
  FIXTURE_TO,
  fullResponse,
} from '../../testing/metricsFixtures';
import { environmentColor } from '../../utils/environmentColors';
import { PanelChart } from './PanelChart';

const environments = ['dev', 'staging', 'production'];

describe('PanelChart', () => {
  it('draws one line per environment with data, in its stable colour', async () => {
    const panel = fullResponse().panels[0];
    const { container } = await renderInTestApp(
      <PanelChart
        panel={panel}
        environments={environments}
        from={FIXTURE_FROM}
        to={FIXTURE_TO}
      />,
    );

    expect(
      screen.getByRole('heading', { name: 'Request rate' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('img', { name: 'Request rate by environment' }),
    ).toBeInTheDocument();
    const curves = container.querySelectorAll('path.recharts-line-curve');
    // staging has no series, so only dev and production are drawn.
    expect([...curves].map(c => c.getAttribute('stroke'))).toEqual([
      environmentColor('dev'),
      environmentColor('production'),
    ]);
    expect(screen.getByText('production')).toBeInTheDocument(); // legend
  });

  it('formats the y axis by the panel unit', async () => {
    const panel = fullResponse().panels[1]; // error ratio
    const { container } = await renderInTestApp(
      <PanelChart
        panel={panel}
        environments={environments}
        from={FIXTURE_FROM}
        to={FIXTURE_TO}
      />,
    );
    const ticks = [
      ...container.querySelectorAll(
        '.recharts-yAxis .recharts-cartesian-axis-tick-value',
      ),
    ];
    expect(ticks.length).toBeGreaterThan(1);
    for (const tick of ticks) expect(tick.textContent).toMatch(/^\d+\.\d%$/);
  });

  it('shows the panel error instead of a chart', async () => {
    const panel = {
      ...fullResponse().panels[0],
      series: [],
      error: 'vmselect timed out',
    };
    await renderInTestApp(
      <PanelChart
        panel={panel}
        environments={environments}
        from={FIXTURE_FROM}
        to={FIXTURE_TO}
      />,
    );
    expect(
      screen.getByText(/Could not load this panel: vmselect timed out/),
    ).toBeInTheDocument();
    expect(screen.queryByRole('img')).not.toBeInTheDocument();
  });

  it('says so when the panel has no points in the range', async () => {
    const panel = { ...fullResponse().panels[0], series: [] };
    await renderInTestApp(
      <PanelChart
        panel={panel}
        environments={environments}
        from={FIXTURE_FROM}
        to={FIXTURE_TO}
      />,
    );
    expect(screen.getByText('No data in this time range.')).toBeInTheDocument();
    expect(screen.queryByRole('img')).not.toBeInTheDocument();
  });
});
