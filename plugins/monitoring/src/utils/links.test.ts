import { safeHttpUrl } from './links';

// A hostile input under test, not a link we make.
// eslint-disable-next-line no-script-url
const SCRIPT_URL = 'javascript:alert(1)';

describe('safeHttpUrl', () => {
  it('keeps http and https URLs', () => {
    expect(
      safeHttpUrl('https://grafana.example/d/abc?var-service=checkout'),
    ).toBe('https://grafana.example/d/abc?var-service=checkout');
    expect(safeHttpUrl(' http://grafana.local:3000/d/x ')).toBe(
      'http://grafana.local:3000/d/x',
    );
  });

  it.each([
    SCRIPT_URL,
    'data:text/html,<b>x</b>',
    '/relative/path',
    'not a url',
    '',
    undefined,
  ])('refuses %p', value => {
    expect(safeHttpUrl(value)).toBeUndefined();
  });
});
