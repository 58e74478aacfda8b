import '@testing-library/jest-dom';

/**
 * jsdom has no ResizeObserver, which recharts' ResponsiveContainer needs. This stand-in reports
 * a fixed 600x240 box as soon as an element is observed, so charts render their lines in tests.
 */
class FixedSizeResizeObserver {
  constructor(private readonly callback: ResizeObserverCallback) {}

  observe(target: Element) {
    const contentRect = {
      width: 600,
      height: 240,
      top: 0,
      left: 0,
      bottom: 240,
      right: 600,
      x: 0,
      y: 0,
    };
    this.callback(
      [{ target, contentRect } as unknown as ResizeObserverEntry],
      this as unknown as ResizeObserver,
    );
  }

  unobserve() {}

  disconnect() {}
}

if (typeof window !== 'undefined' && !('ResizeObserver' in window)) {
  (window as any).ResizeObserver = FixedSizeResizeObserver;
  (globalThis as any).ResizeObserver = FixedSizeResizeObserver;
}
