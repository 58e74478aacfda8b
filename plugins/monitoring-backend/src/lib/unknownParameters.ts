import { InputError } from '@backstage/errors';

/** 400 naming (the first five of) the query parameters a route does not know. */
export function refuseUnknownParameters(
  query: Record<string, unknown>,
  known: readonly string[] = [],
): void {
  const unknown = Object.keys(query).filter(k => !known.includes(k));
  if (unknown.length)
    throw new InputError(
      `unknown parameter(s): ${unknown
        .slice(0, 5)
        .map(k => k.slice(0, 32))
        .join(', ')}`,
    );
}
