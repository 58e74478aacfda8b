import { formatAge, formatValue, NO_DATA } from './format';

describe('formatValue', () => {
  it.each([
    [12.34, '12.3 req/s'],
    [0, '0 req/s'],
    [0.5, '0.50 req/s'],
    [0.004, '0.0040 req/s'],
    [1234, '1234 req/s'],
    [45678, '45.7k req/s'],
  ])('formats %p req/s as %p', (value, text) => {
    expect(formatValue('reqps', value)).toBe(text);
  });

  it.each([
    [0.2, '20.0%'],
    [0.201, '20.1%'],
    [0, '0.0%'],
    [1, '100.0%'],
    [0.00049, '0.0%'],
  ])('formats the ratio %p as the percentage %p', (value, text) => {
    expect(formatValue('ratio', value)).toBe(text);
  });

  it.each([
    [0.612, '612 ms'],
    [0.0042, '4.2 ms'],
    [0, '0 ms'],
    [0.999, '999 ms'],
    [1, '1.00 s'],
    [2.5, '2.50 s'],
    [12.34, '12.3 s'],
    [90, '1.5 min'],
  ])('formats %p seconds as %p', (value, text) => {
    expect(formatValue('seconds', value)).toBe(text);
  });

  it.each([
    [0.25, '0.25 cores'],
    [1.5, '1.50 cores'],
    [12, '12.0 cores'],
    [0.004, '0.0040 cores'],
  ])('formats %p cores as %p', (value, text) => {
    expect(formatValue('cores', value)).toBe(text);
  });

  it.each([
    [312 * 1024 * 1024, '312 MiB'],
    [1.5 * 1024 ** 3, '1.5 GiB'],
    [512, '512 B'],
    [2048, '2.0 KiB'],
  ])('formats %p bytes as %p', (value, text) => {
    expect(formatValue('bytes', value)).toBe(text);
  });

  it('formats a unitless value as a plain number', () => {
    expect(formatValue('none', 3.14159)).toBe('3.1');
  });

  it.each([null, undefined, NaN, Infinity])('prints %p as "no data"', value => {
    expect(formatValue('ratio', value)).toBe(NO_DATA);
    expect(NO_DATA).toBe('no data');
  });
});

describe('formatAge', () => {
  it.each([
    [0, '0 s'],
    [-3, '0 s'],
    [12.9, '12 s'],
    [59.9, '59 s'],
    [60, '1 min'],
    [3599, '59 min'],
    [3600, '1.0 h'],
    [5399, '1.4 h'],
    [86399, '23.9 h'],
    [2 * 86400 + 4000, '2.0 d'],
    [NaN, '0 s'],
  ])('formats %p seconds as %p', (value, text) => {
    expect(formatAge(value)).toBe(text);
  });
});
