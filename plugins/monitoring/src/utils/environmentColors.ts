/**
 * A stable colour per environment, so `production` is the same colour on every chart, card and
 * page whatever the order or the set of environments in a response.
 */

const WELL_KNOWN: Record<string, string> = {
  production: '#1f77b4',
  prod: '#1f77b4',
  staging: '#ff7f0e',
  stage: '#ff7f0e',
  dev: '#2ca02c',
  development: '#2ca02c',
  qa: '#9467bd',
  test: '#9467bd',
};

const PALETTE = [
  '#8c564b',
  '#e377c2',
  '#17becf',
  '#bcbd22',
  '#7f7f7f',
  '#d62728',
  '#393b79',
  '#637939',
];

/** FNV-1a: a small, stable string hash. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function environmentColor(environment: string): string {
  const key = environment.toLowerCase();
  return WELL_KNOWN[key] ?? PALETTE[hash(key) % PALETTE.length];
}
