import {
  buildSelector,
  escapeLabelValue,
  escapeRegex,
  InvalidMatcherError,
  MAX_LABEL_VALUE_LENGTH,
  parseKubernetesLabelSelector,
  parseMatcherList,
  renderMatchers,
} from './promql';

/**
 * Reads a double-quoted PromQL string literal back (the inverse of escapeLabelValue), the way the
 * PromQL lexer does, and returns it with the index just past its closing quote.
 */
function readStringLiteral(
  text: string,
  start: number,
): { value: string; end: number } {
  expect(text[start]).toBe('"');
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      const n = text[++i];
      value +=
        ({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[n] ?? n;
    } else if (c === '"') {
      return { value, end: i + 1 };
    } else {
      expect(c).not.toBe('\n');
      value += c;
    }
  }
  throw new Error('unterminated string literal');
}

const hostile = [
  'checkout"} or vector(1) #',
  'a\\"b',
  'ends with backslash\\',
  'line\nbreak',
  'carriage\rreturn\ttab',
  '} or up{',
  'or',
  '" or 1 == 1 or "',
  'ünïcødé-サービス-🚀',
  '${selector}',
  'x'.repeat(MAX_LABEL_VALUE_LENGTH),
  '',
];

describe('escapeLabelValue', () => {
  it.each(hostile)('round-trips %j through a PromQL string literal', value => {
    const literal = `"${escapeLabelValue(value)}"`;
    const { value: parsed, end } = readStringLiteral(literal, 0);
    expect(parsed).toBe(value);
    // The literal ends exactly where it should: nothing can follow and change the query.
    expect(end).toBe(literal.length);
  });

  it('escapes the backslash before the quote', () => {
    expect(escapeLabelValue('\\"')).toBe('\\\\\\"');
  });
});

describe('buildSelector', () => {
  it('keeps a hostile value inside one matcher', () => {
    const selector = buildSelector(
      [
        { name: 'service', op: '=', value: 'checkout"} or vector(1) #' },
        { name: 'namespace', op: '=', value: 'shop' },
      ],
      'http_requests_total',
    );
    expect(selector).toBe(
      'http_requests_total{service="checkout\\"} or vector(1) #",namespace="shop"}',
    );
    const first = readStringLiteral(selector, selector.indexOf('"'));
    expect(first.value).toBe('checkout"} or vector(1) #');
    expect(selector.slice(first.end)).toBe(',namespace="shop"}');
  });

  it.each(['1abc', 'a-b', 'a b', 'a"b', '', '__name__', 'a}or{b'])(
    'rejects the label name %j',
    name => {
      expect(() => buildSelector([{ name, op: '=', value: 'x' }])).toThrow(
        InvalidMatcherError,
      );
    },
  );

  it('rejects an unknown operator and an over-long value', () => {
    expect(() =>
      renderMatchers([{ name: 'a', op: '==' as any, value: 'x' }]),
    ).toThrow(InvalidMatcherError);
    expect(() =>
      renderMatchers([
        { name: 'a', op: '=', value: 'x'.repeat(MAX_LABEL_VALUE_LENGTH + 1) },
      ]),
    ).toThrow(/longer than/);
  });

  it('rejects an invalid metric name', () => {
    expect(() => buildSelector([], 'up or vector(1)')).toThrow(
      InvalidMatcherError,
    );
    expect(buildSelector([], 'up')).toBe('up{}');
  });
});

describe('escapeRegex', () => {
  it('makes a value match only itself', () => {
    for (const v of ['a.b', 'a|b', '.*', 'x(y)[z]{1}+?^$\\']) {
      expect(new RegExp(`^${escapeRegex(v)}$`).test(v)).toBe(true);
    }
    expect(new RegExp(`^${escapeRegex('.*')}$`).test('anything')).toBe(false);
  });
});

describe('parseMatcherList', () => {
  it('parses equality and inequality matchers', () => {
    expect(parseMatcherList('tier=backend, team != payments,k==v')).toEqual([
      { name: 'tier', op: '=', value: 'backend' },
      { name: 'team', op: '!=', value: 'payments' },
      { name: 'k', op: '=', value: 'v' },
    ]);
  });

  it.each(['a=~.*', 'a!~x', 'no-operator', 'bad-name=x', '{a=b}', 'a'])(
    'rejects %j',
    text => {
      expect(() => parseMatcherList(text)).toThrow(InvalidMatcherError);
    },
  );

  it('keeps quotes in values literal', () => {
    const [m] = parseMatcherList('team=a"} or vector(1)');
    expect(renderMatchers([m])).toBe('team="a\\"} or vector(1)"');
  });
});

describe('parseKubernetesLabelSelector', () => {
  it('separates equality terms from set-based ones', () => {
    expect(
      parseKubernetesLabelSelector(
        'app.kubernetes.io/name=checkout,tier in (web,api),env==prod,!canary',
      ),
    ).toEqual({
      equals: { 'app.kubernetes.io/name': 'checkout', env: 'prod' },
      other: ['tier in (web,api)', '!canary'],
    });
  });
});
