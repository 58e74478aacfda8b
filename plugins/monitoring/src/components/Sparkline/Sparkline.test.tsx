import { sparklineShapes } from './Sparkline';

describe('sparklineShapes', () => {
  it('draws runs as lines, breaks at gaps, and shows a lone point as a dot', () => {
    const { segments, dots } = sparklineShapes(
      [1, 2, null, 4, null, null, 2],
      60,
      10,
    );
    // Max 4 fills the height (2..8 of 10): 1 -> 6.5, 2 -> 5, 4 -> 2.
    expect(segments).toEqual(['M0.0,6.5L10.0,5.0']);
    expect(dots).toEqual([
      [30, 2],
      [60, 5],
    ]);
  });

  it('draws nothing without values, and a flat line at the bottom for zeros', () => {
    expect(sparklineShapes([null, null], 10, 10)).toEqual({
      segments: [],
      dots: [],
    });
    expect(sparklineShapes([0, 0], 10, 10).segments).toEqual([
      'M0.0,8.0L10.0,8.0',
    ]);
  });
});
