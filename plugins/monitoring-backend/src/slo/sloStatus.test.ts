import { budgetHistory } from './sloStatus';
import { durationText } from './sloQueries';

describe('budgetHistory', () => {
  const times = [1000, 2000, 3000, 4000];
  const map = (values: Array<number | undefined>) =>
    new Map(
      values.flatMap((v, i) =>
        v === undefined ? [] : [[times[i], v] as [number, number]],
      ),
    );

  it("burns the budget down by each interval's errors against the whole period's budget", () => {
    // 99 %: a budget of 0.01 x 40 requests (per second) = 0.4; 0.1 + 0.1 errors spent.
    const history = budgetHistory(
      times,
      map([0, 0.01, 0, 0.01]),
      map([10, 10, 10, 10]),
      0.99,
    );
    expect(history.map(p => p.t)).toEqual(times);
    const values = history.map(p => p.budgetRemaining!);
    expect(values[0]).toBe(1);
    expect(values[1]).toBeCloseTo(0.75, 12);
    expect(values[2]).toBeCloseTo(0.75, 12);
    expect(values[3]).toBeCloseTo(0.5, 12);
  });

  it('weighs each interval by its requests, and starts with the first that has any', () => {
    const history = budgetHistory(
      times,
      map([0.5, 0.02, 0.02, undefined]),
      map([undefined, 30, 10, 0]),
      0.99,
    );
    // 0.6 + 0.2 errors of a 0.4 budget: overspent, negative.
    expect(history.map(p => p.budgetRemaining)).toEqual([
      null,
      expect.closeTo(-0.5, 12),
      expect.closeTo(-1, 12),
      expect.closeTo(-1, 12),
    ]);
  });

  it('is null throughout without requests', () => {
    expect(
      budgetHistory(times, map([0.1]), undefined, 0.999).every(
        p => p.budgetRemaining === null,
      ),
    ).toBe(true);
    expect(
      budgetHistory(times, map([0.1]), map([0, 0]), 0.999).every(
        p => p.budgetRemaining === null,
      ),
    ).toBe(true);
  });
});

describe('durationText', () => {
  it.each([
    [54000, '15h'],
    [12600, '210m'],
    [162000, '45h'],
    [90, '90s'],
  ])('%i s is %s', (seconds, text) => {
    expect(durationText(seconds)).toBe(text);
  });
});
