import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { fullResponse, partialResponse } from '../../testing/metricsFixtures';
import { CARD_SUMMARY_PANELS } from '../../utils/summary';
import { MetricsSummaryTable } from './MetricsSummaryTable';

/** The value cells of the environment's row (the environment cell itself left out). */
function rowCells(environment: string) {
  const row = screen
    .getAllByRole('row')
    .find(
      r => within(r).queryAllByRole('cell')[0]?.textContent === environment,
    );
  if (!row) throw new Error(`no row for ${environment}`);
  return within(row)
    .getAllByRole('cell')
    .slice(1)
    .map(c => c.textContent);
}

function environmentsInOrder() {
  return screen
    .getAllByRole('row')
    .slice(1)
    .map(r => within(r).getAllByRole('cell')[0].textContent);
}

describe('MetricsSummaryTable', () => {
  it('shows one row per environment, in the response order, with formatted latest values', async () => {
    await renderInTestApp(<MetricsSummaryTable response={fullResponse()} />);

    expect(screen.getAllByRole('columnheader').map(c => c.textContent)).toEqual(
      [
        'Environment',
        'Request rate',
        'Error ratio',
        'p95 latency',
        'CPU',
        'Memory',
      ],
    );
    expect(environmentsInOrder()).toEqual(['dev', 'staging', 'production']);
    expect(rowCells('production')).toEqual([
      '123 req/s',
      '20.0%',
      '612 ms',
      '0.25 cores',
      '312 MiB',
    ]);
    expect(rowCells('dev')).toEqual([
      '3.5 req/s',
      '1.2%',
      '200 ms',
      '0.12 cores',
      '130 MiB',
    ]);
    expect(rowCells('staging')).toEqual(Array(5).fill('no data'));
  });

  it('marks a failed panel as unavailable rather than "no data"', async () => {
    await renderInTestApp(
      <MetricsSummaryTable
        response={partialResponse('errorRatio', 'vmselect: timeout')}
      />,
    );
    expect(rowCells('production')[1]).toBe('unavailable');
    expect(rowCells('production')[0]).toBe('123 req/s');
  });

  it('shows only the requested columns', async () => {
    await renderInTestApp(
      <MetricsSummaryTable
        response={fullResponse()}
        columns={CARD_SUMMARY_PANELS}
      />,
    );
    expect(screen.getAllByRole('columnheader').map(c => c.textContent)).toEqual(
      ['Environment', 'Request rate', 'Error ratio', 'p95 latency'],
    );
  });

  it('falls back to the first panels of a profile with other panel ids', async () => {
    const response = fullResponse();
    response.panels = [
      { id: 'grpcRate', title: 'gRPC rate', unit: 'reqps', series: [] },
      { id: 'grpcErrors', title: 'gRPC errors', unit: 'ratio', series: [] },
    ];
    await renderInTestApp(<MetricsSummaryTable response={response} />);
    expect(screen.getAllByRole('columnheader').map(c => c.textContent)).toEqual(
      ['Environment', 'gRPC rate', 'gRPC errors'],
    );
  });
});
