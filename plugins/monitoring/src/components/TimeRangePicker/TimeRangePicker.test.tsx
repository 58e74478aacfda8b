import { renderInTestApp } from '@backstage/test-utils';
import { fireEvent, screen, within } from '@testing-library/react';
import { TIME_RANGES, TimeRangePicker } from './TimeRangePicker';

describe('TimeRangePicker', () => {
  it('shows the current range and reports the chosen one', async () => {
    const onChange = jest.fn();
    await renderInTestApp(<TimeRangePicker value="1h" onChange={onChange} />);

    const select = screen.getByRole('button', { name: /time range/i });
    expect(select).toHaveTextContent('Last 1 hour');

    fireEvent.mouseDown(select);
    const options = within(screen.getByRole('listbox')).getAllByRole('option');
    expect(options.map(o => o.textContent)).toEqual(
      TIME_RANGES.map(r => r.label),
    );

    fireEvent.click(screen.getByRole('option', { name: 'Last 7 days' }));
    expect(onChange).toHaveBeenCalledWith('7d');
  });
});
