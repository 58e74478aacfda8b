/**
 * Safe PromQL selector building.
 *
 * Every label value that reaches a query goes through {@link escapeLabelValue}; every label name
 * is checked against the Prometheus grammar. Nothing else from a user or an annotation is ever
 * placed in a query.
 */

/** The Prometheus label-name grammar. */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Longest label value accepted; far above any real Kubernetes name (63) or label value.
 *
 * @public
 */
export const MAX_LABEL_VALUE_LENGTH = 1024;

/**
 * Matcher operators. Regex operators are only produced from values escaped with {@link escapeRegex}.
 *
 * @public
 */
export type MatchOperator = '=' | '!=' | '=~' | '!~';

/**
 * One label matcher of a series selector.
 *
 * @public
 */
export interface LabelMatcher {
  name: string;
  op: MatchOperator;
  value: string;
}

/**
 * Thrown for a label name or value that cannot be used in a selector.
 *
 * @public
 */
export class InvalidMatcherError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidMatcherError';
  }
}

/** @public */
export function isValidLabelName(name: string): boolean {
  return LABEL_NAME.test(name) && !name.startsWith('__');
}

/**
 * Escapes a label value for a double-quoted PromQL string literal.
 *
 * Backslash first (so later escapes are not doubled), then the quote and the control characters
 * a string literal cannot hold raw. Everything else, unicode included, is literal inside quotes.
 *
 * @public
 */
export function escapeLabelValue(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t');
}

/**
 * Escapes regex metacharacters so a value matches only itself under `=~`.
 *
 * @public
 */
export function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function checkMatcher(m: LabelMatcher): void {
  if (!isValidLabelName(m.name)) {
    throw new InvalidMatcherError(
      `"${m.name.slice(0, 64)}" is not a valid label name`,
    );
  }
  if (!['=', '!=', '=~', '!~'].includes(m.op)) {
    throw new InvalidMatcherError(`"${m.op}" is not a label match operator`);
  }
  if (typeof m.value !== 'string') {
    throw new InvalidMatcherError(`label "${m.name}" has no string value`);
  }
  if (m.value.length > MAX_LABEL_VALUE_LENGTH) {
    throw new InvalidMatcherError(
      `label "${m.name}" value is longer than ${MAX_LABEL_VALUE_LENGTH} characters`,
    );
  }
}

/**
 * Renders matchers as `a="x",b!="y"` (no braces), for use inside a template's `{...}`.
 *
 * @public
 */
export function renderMatchers(matchers: readonly LabelMatcher[]): string {
  return matchers
    .map(m => {
      checkMatcher(m);
      return `${m.name}${m.op}"${escapeLabelValue(m.value)}"`;
    })
    .join(',');
}

/**
 * Builds a full series selector, `metric{a="x"}` or `{a="x"}`.
 *
 * @public
 */
export function buildSelector(
  matchers: readonly LabelMatcher[],
  metricName?: string,
): string {
  if (
    metricName !== undefined &&
    !/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(metricName)
  ) {
    throw new InvalidMatcherError(
      `"${metricName.slice(0, 64)}" is not a valid metric name`,
    );
  }
  return `${metricName ?? ''}{${renderMatchers(matchers)}}`;
}

/**
 * Parses the `k=v,k2!=v2` grammar of `monitoring/selector` into equality matchers.
 *
 * Only `=` and `!=` are accepted: an annotation must not be able to smuggle in a regex that
 * widens a query. Values may not contain `,` (the separator).
 *
 * @public
 */
export function parseMatcherList(text: string): LabelMatcher[] {
  const out: LabelMatcher[] = [];
  for (const raw of text.split(',')) {
    const part = raw.trim();
    if (!part) continue;
    const m = /^([^=!\s]+)\s*(!=|==|=)\s*(.*)$/.exec(part);
    if (!m) {
      throw new InvalidMatcherError(
        `"${part.slice(0, 64)}" is not a k=v or k!=v matcher`,
      );
    }
    const [, name, op, value] = m;
    if (value.startsWith('~')) {
      throw new InvalidMatcherError(
        `"${part.slice(0, 64)}": regex matchers are not accepted, use k=v or k!=v`,
      );
    }
    const matcher: LabelMatcher = {
      name,
      op: op === '!=' ? '!=' : '=',
      value: value.trim(),
    };
    checkMatcher(matcher);
    out.push(matcher);
  }
  return out;
}

/**
 * Parses the equality parts of a Kubernetes label selector (`a=b,c==d`); set-based and
 * negative requirements are returned separately so callers can decide what they mean.
 *
 * @public
 */
export function parseKubernetesLabelSelector(text: string): {
  equals: Record<string, string>;
  other: string[];
} {
  const equals: Record<string, string> = {};
  const other: string[] = [];
  // Set-based requirements (`env in (a,b)`) contain commas inside parentheses: split outside them.
  const parts = text.match(/[^,(]+(\([^)]*\))?[^,]*/g) ?? [];
  for (const raw of parts) {
    const part = raw.trim();
    if (!part) continue;
    const m = /^([A-Za-z0-9._/-]+)\s*(==|=)\s*([A-Za-z0-9._-]*)$/.exec(part);
    if (m) equals[m[1]] = m[3];
    else other.push(part);
  }
  return { equals, other };
}
