/**
 * Readable time-axis ticks at round times: the largest step that gives about `count` ticks,
 * aligned to the local clock (minutes, hours, days), labelled with the date once the range or
 * a tick crosses midnight.
 */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const STEPS = [
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
];

export interface TimeTick {
  value: number;
  label: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const hhmm = (d: Date) => `${pad(d.getHours())}:${pad(d.getMinutes())}`;
const dayMonth = (d: Date) =>
  `${d.getDate()} ${d.toLocaleString('en', { month: 'short' })}`;

export function tickStep(rangeMs: number, count: number): number {
  return STEPS.find(s => rangeMs / s <= count) ?? STEPS[STEPS.length - 1];
}

export function timeTicks(from: number, to: number, count = 6): TimeTick[] {
  if (!(to > from)) return [];
  const step = tickStep(to - from, count);
  // Align to the local clock: the offset makes "every 6 h" fall on 00, 06, 12, 18 local time.
  const offset = new Date(from).getTimezoneOffset() * MINUTE;
  const first = Math.ceil((from - offset) / step) * step + offset;
  const multiDay =
    to - from > DAY || new Date(from).getDate() !== new Date(to).getDate();
  const ticks: TimeTick[] = [];
  for (let t = first; t <= to; t += step) {
    const d = new Date(t);
    const midnight = d.getHours() === 0 && d.getMinutes() === 0;
    let label = hhmm(d);
    if (step >= DAY) label = dayMonth(d);
    else if (multiDay && (midnight || ticks.length === 0))
      label = `${dayMonth(d)} ${hhmm(d)}`;
    ticks.push({ value: t, label });
  }
  return ticks;
}
