import { parseArgs, PARTS } from './args';

describe('parseArgs', () => {
  it('runs every part without arguments', () => {
    expect(parseArgs([])).toEqual([...PARTS]);
  });

  it('runs one part, entity with the render benchmark as before', () => {
    expect(parseArgs(['fleet'])).toEqual(['fleet']);
    expect(parseArgs(['render'])).toEqual(['render']);
    expect(parseArgs(['load'])).toEqual(['load']);
    expect(parseArgs(['entity'])).toEqual(['entity', 'render']);
  });

  it('answers --help with nothing to run', () => {
    expect(parseArgs(['--help'])).toBeUndefined();
    expect(parseArgs(['fleet', '-h'])).toBeUndefined();
  });

  it('refuses unknown parts and extra arguments', () => {
    expect(() => parseArgs(['page'])).toThrow(/unknown part "page"/);
    expect(() => parseArgs(['fleet', 'alerts'])).toThrow(/at most one part/);
  });
});
