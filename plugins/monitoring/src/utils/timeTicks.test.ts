import { tickStep, timeTicks } from './timeTicks';

const HOUR = 3_600_000;

describe('timeTicks', () => {
  beforeAll(() => {
    process.env.TZ = 'UTC';
  });

  it('picks round steps for about six ticks', () => {
    expect(tickStep(HOUR, 6)).toBe(10 * 60_000);
    expect(tickStep(24 * HOUR, 6)).toBe(6 * HOUR);
    expect(tickStep(7 * 24 * HOUR, 6)).toBe(2 * 24 * HOUR);
  });

  it('puts ticks on round local times inside the range, several of them', () => {
    const from = Date.parse('2026-12-01T08:07:00Z');
    const ticks = timeTicks(from, from + HOUR);
    expect(ticks.map(t => t.label)).toEqual([
      '08:10',
      '08:20',
      '08:30',
      '08:40',
      '08:50',
      '09:00',
    ]);
    expect(ticks.every(t => t.value >= from && t.value <= from + HOUR)).toBe(
      true,
    );
  });

  it('adds the date past a day', () => {
    const from = Date.parse('2026-11-30T09:00:00Z');
    const labels = timeTicks(from, from + 24 * HOUR).map(t => t.label);
    expect(labels).toEqual(['30 Nov 12:00', '18:00', '1 Dec 00:00', '06:00']);
    expect(timeTicks(from, from + 7 * 24 * HOUR).map(t => t.label)[0]).toBe(
      '1 Dec',
    );
  });
});
