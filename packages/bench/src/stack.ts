/**
 * The local stack the benchmarks run on: the one started from this checkout (`startStack`,
 * idempotent), or, with BENCH_STACK_DIR, an already running stack of another checkout (its data
 * dir, e.g. `/work/main/.stack`), whose passwords are read from there and which is neither
 * started nor changed. The stack owns fixed ports, so a second checkout cannot start its own.
 */
import {
  startStack,
  stackEnv,
  StackEnv,
} from '@internal/monitoring-local-stack';

export async function benchStackEnv(): Promise<StackEnv> {
  const dir = process.env.BENCH_STACK_DIR;
  if (!dir) return startStack({ log: () => {} });
  const env = stackEnv({ dir });
  const res = await fetch(`${env.MONITORING_VM_DIRECT_URL}/health`).catch(
    () => undefined,
  );
  if (!res?.ok)
    throw new Error(
      `BENCH_STACK_DIR=${dir}: VictoriaMetrics does not answer on ${env.MONITORING_VM_DIRECT_URL}; start that stack first`,
    );
  return env;
}
