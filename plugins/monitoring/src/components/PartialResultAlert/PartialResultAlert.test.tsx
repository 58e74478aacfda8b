import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { fullResponse, partialResponse } from '../../testing/metricsFixtures';
import { PartialResultAlert } from './PartialResultAlert';

describe('PartialResultAlert', () => {
  it('lists failed panels with their errors and environments without data', async () => {
    await renderInTestApp(
      <PartialResultAlert
        response={partialResponse('cpu', 'kube_pod_labels not found')}
      />,
    );
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('Some metrics could not be loaded');
    expect(
      within(alert)
        .getAllByRole('listitem')
        .map(li => li.textContent),
    ).toEqual(['CPU: kube_pod_labels not found', 'no data from staging']);
  });

  it('renders nothing for a complete response', async () => {
    const response = fullResponse({ environments: ['dev', 'production'] });
    await renderInTestApp(<PartialResultAlert response={response} />);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('is an error, without the environment noise, when every panel failed', async () => {
    const response = fullResponse();
    response.panels = response.panels.map(p => ({
      ...p,
      series: [],
      error: 'vmselect down',
    }));
    await renderInTestApp(<PartialResultAlert response={response} />);
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('No panel could be loaded');
    expect(alert).toHaveClass('MuiAlert-standardError');
    expect(within(alert).getAllByRole('listitem')).toHaveLength(7);
    expect(alert).not.toHaveTextContent('no data from');
  });
});
