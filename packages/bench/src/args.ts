/** The command line of `npm run bench` (bench.ts). */
export const PARTS = ['entity', 'render', 'alerts', 'fleet'] as const;
export type Part = (typeof PARTS)[number];

export const USAGE = `Usage: npm run bench [-- <part>]

Benchmarks on the local stack (started if needed); prints figures, asserts nothing.
Parts (all of them when none is given):
  entity   GET .../metrics against direct queries, coalescing, then render
  render   rendering and validating a hub and 100 spokes (needs no stack)
  alerts   200 GET .../alerts over 50 entities in a minute
  fleet    GET /fleet at 1,000 and 5,000 synthetic services (writes .bench/fleet-*.json)

Environment: BENCH_ROUNDS, BENCH_ALERTS_SECONDS, BENCH_FLEET_SIZES, BENCH_FLEET_ROUNDS,
BENCH_FLEET_FANOUT_SAMPLE. Then \`npm run bench:page\` times the fleet page in Chromium.`;

/** The parts to run, or undefined after printing the usage. */
export function parseArgs(args: string[]): Part[] | undefined {
  if (args.some(a => a === '--help' || a === '-h')) return undefined;
  if (args.length > 1)
    throw new Error(`expected at most one part, got: ${args.join(' ')}`);
  if (!args.length) return [...PARTS];
  const part = args[0] as Part;
  if (!PARTS.includes(part))
    throw new Error(`unknown part "${args[0]}"; one of ${PARTS.join(', ')}`);
  return part === 'entity' ? ['entity', 'render'] : [part];
}
