import { safeHttpUrl } from './links';

describe('safeHttpUrl', () => {
  it('keeps http and https URLs', () => {
    expect(safeHttpUrl('https://grafana.example/d/abc?var-service=checkout')).toBe(
      'https://grafana.example/d/abc?var-service=checkout',
    );
    expect(safeHttpUrl(' http://grafana.local:3000/d/x ')).toBe('http://grafana.local:3000/d/x');
  });

  it.each(['javascript:alert(1)', 'data:text/html,<b>x</b>', '/relative/path', 'not a url', '', undefined])(
    'refuses %p',
    value => {
      expect(safeHttpUrl(value)).toBeUndefined();
    },
  );
});
