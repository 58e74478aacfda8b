/**
 * Returns the URL when it is an absolute http(s) URL, else undefined. Annotation text is
 * user-controlled: a `javascript:` or `data:` URL must never become a link.
 */
export function safeHttpUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value.trim());
    return url.protocol === 'http:' || url.protocol === 'https:'
      ? url.toString()
      : undefined;
  } catch {
    return undefined;
  }
}
