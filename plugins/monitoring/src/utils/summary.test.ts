import {
  environmentsWithoutData,
  isEmptyResponse,
  latestValue,
  orderedEnvironments,
} from './summary';
import {
  emptyResponse,
  fullResponse,
  partialResponse,
} from '../testing/metricsFixtures';

describe('summary helpers', () => {
  it('keeps the configured order and appends environments only seen in series', () => {
    const response = fullResponse({ environments: ['production', 'dev'] });
    response.panels[0].series.push({
      environment: 'canary',
      points: [[1, 2]],
      latest: 2,
    });
    expect(orderedEnvironments(response)).toEqual([
      'production',
      'dev',
      'canary',
    ]);
  });

  it('reads the latest value, falling back to the last point', () => {
    const panel = fullResponse().panels[0];
    expect(latestValue(panel, 'production')).toBe(123.4);
    expect(latestValue(panel, 'staging')).toBeNull();
    const noLatest = {
      ...panel,
      series: [
        {
          environment: 'dev',
          points: [[1, 5] as [number, number]],
          latest: null,
        },
      ],
    };
    expect(latestValue(noLatest, 'dev')).toBe(5);
  });

  it('calls a response empty only when no panel has a point and none failed', () => {
    expect(isEmptyResponse(emptyResponse())).toBe(true);
    expect(isEmptyResponse(fullResponse())).toBe(false);
    const allFailed = emptyResponse();
    allFailed.panels[0].error = 'down';
    expect(isEmptyResponse(allFailed)).toBe(false);
  });

  it('lists environments with no point in any working panel', () => {
    expect(environmentsWithoutData(fullResponse())).toEqual(['staging']);
    expect(environmentsWithoutData(partialResponse('cpu', 'x'))).toEqual([
      'staging',
    ]);
    const allFailed = fullResponse();
    allFailed.panels = allFailed.panels.map(p => ({
      ...p,
      series: [],
      error: 'down',
    }));
    expect(environmentsWithoutData(allFailed)).toEqual([]);
  });
});
