/** The command line of `npm run bench` (bench.ts). */
export const PARTS = ['entity', 'render', 'alerts', 'fleet', 'load'] as const;
export type Part = (typeof PARTS)[number];

export const USAGE = `Usage: npm run bench [-- <part>]

Benchmarks on the local stack (started if needed); prints figures, asserts nothing.
Parts (all of them when none is given):
  entity   GET .../metrics against direct queries, coalescing, then render
  render   rendering and validating a hub and 100 spokes (needs no stack)
  alerts   200 GET .../alerts over 50 entities in a minute
  fleet    the fleet's snapshot refresh and GET /fleet at 1,000 and 5,000 synthetic services
           (writes .bench/fleet-*.json)
  load     1, 10, 50 and 200 distinct users on the fleet, the entity tab and its alerts at
           5,000 synthetic services (writes .bench/load-<date>.json)

Environment: BENCH_ROUNDS, BENCH_ALERTS_SECONDS, BENCH_FLEET_SIZES, BENCH_FLEET_ROUNDS,
BENCH_FLEET_READS, BENCH_FLEET_FANOUT_SAMPLE, BENCH_LOAD_SERVICES, BENCH_LOAD_SECONDS,
BENCH_LOAD_USERS, BENCH_LOAD_THINK_MS, BENCH_LOAD_POLICIES (allow,owner), BENCH_LOAD_PAGES
(fleet,tab), BENCH_LOAD_REST_SECONDS; BENCH_STACK_DIR to use the running stack of another
checkout (e.g. /work/main/.stack) instead of starting this one's.
Then \`npm run bench:page\` times the fleet page in Chromium.`;

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
