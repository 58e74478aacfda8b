import { EntitySloResponse } from '@hubspoke/backstage-plugin-monitoring-common';
import { withRetentionWarning } from './sloRouter';

const DAY = 86_400;
const NOW = 1_800_000_000;

const answer = (evaluatedAt: number): EntitySloResponse => ({
  period: '30d',
  periodSeconds: 30 * DAY,
  evaluatedAt: new Date(evaluatedAt * 1000).toISOString(),
  burnRateAlerts: [],
  objectives: [
    {
      slo: 'availability',
      target: 0.999,
      budgetMinutes: 43.2,
      environments: [],
      warnings: [],
    },
  ],
});

describe('withRetentionWarning', () => {
  it('says nothing while the period at that instant is within what the hub keeps', () => {
    expect(
      withRetentionWarning(answer(NOW), 31 * DAY, NOW).objectives[0].warnings,
    ).toEqual([]);
  });

  it('warns when an earlier instant reaches back past the retention', () => {
    const warned = withRetentionWarning(answer(NOW - 2 * DAY), 31 * DAY, NOW);
    expect(warned.objectives[0].warnings).toEqual([
      'the hub keeps 31d of data (monitoring.retention), less than the 30d period reaches back: the SLI and budget cover only what it keeps',
    ]);
  });

  it('warns when the period is longer than the retention', () => {
    expect(
      withRetentionWarning(answer(NOW), 15 * DAY, NOW).objectives[0].warnings,
    ).toHaveLength(1);
  });
});
