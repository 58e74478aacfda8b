/**
 * Fault tests on the real local stack: the hub goes away, and a spoke's vmagent dies while it
 * is away. Each counts samples per series with `count_over_time` against the scrape interval
 * and prints its figures (the README's reliability section quotes them).
 *
 * They stop and kill processes of the shared stack, so `npm test` runs them on their own, after
 * the other integration tests (`*.faults.test.ts`, run in band).
 */
import {
  ENVIRONMENTS,
  stackEnv,
  stackProcessControl,
  startStack,
  LOCAL_SCRAPE_INTERVAL,
} from './index';

jest.setTimeout(420_000);

const SCRAPE_SECONDS = Number.parseInt(LOCAL_SCRAPE_INTERVAL, 10);
const OUTAGE_SECONDS = 60;
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));
const now = () => Date.now() / 1000;
const control = stackProcessControl();
let vmDirect: string;

async function query(q: string, time: number) {
  const res = await fetch(`${vmDirect}/api/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ query: q, time: String(time) }),
  });
  const body = await res.json();
  if (body.status !== 'success')
    throw new Error(`query failed: HTTP ${res.status}`);
  return body.data.result as Array<{
    metric: Record<string, string>;
    value: [number, string];
  }>;
}

/** Bytes a vmagent still holds for the hub (in memory and in its persistent queue). */
async function pendingBytes(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  let sum = 0;
  for (const m of text.matchAll(
    /^(?:vmagent_remotewrite_pending_data_bytes|vm_persistentqueue_bytes_pending)(?:\{[^}]*\})? (\S+)$/gm,
  )) {
    sum += Number(m[1]);
  }
  return sum;
}

async function waitForDrain(timeoutSeconds: number): Promise<number> {
  const t0 = now();
  for (;;) {
    const pending = await Promise.all(
      ENVIRONMENTS.map(e => pendingBytes(e.vmagentPort)),
    );
    if (pending.every(p => p === 0)) return now() - t0;
    if (now() - t0 > timeoutSeconds) {
      throw new Error(
        `the vmagents still hold ${pending.join(', ')} bytes after ${timeoutSeconds} s`,
      );
    }
    await sleep(1000);
  }
}

interface SampleCount {
  series: number;
  expectedPerSeries: number;
  /** Samples short of one per scrape interval, summed over the series. */
  missing: number;
  /** The series with the fewest samples: its count. */
  fewest: number;
}

/**
 * `up` (one sample per target and scrape, on every spoke) counted over `[from, to]`. A window
 * of N scrape intervals holds N samples of every series that was scraped and delivered.
 */
async function countSamples(
  cluster: string | undefined,
  from: number,
  to: number,
): Promise<SampleCount> {
  const windowSeconds =
    Math.floor((to - from) / SCRAPE_SECONDS) * SCRAPE_SECONDS;
  const selector = cluster ? `up{cluster="${cluster}"}` : 'up{cluster!=""}';
  const result = await query(
    `count_over_time(${selector}[${windowSeconds}s])`,
    from + windowSeconds,
  );
  const expectedPerSeries = windowSeconds / SCRAPE_SECONDS;
  const counts = result.map(r => Number(r.value[1]));
  return {
    series: counts.length,
    expectedPerSeries,
    missing: counts.reduce(
      (sum, c) => sum + Math.max(0, expectedPerSeries - c),
      0,
    ),
    fewest: Math.min(...counts),
  };
}

/** Waits until the newest data is readable: the database hides the last few seconds. */
const settle = () => sleep(10_000);

describe('hub faults on the real stack', () => {
  beforeAll(async () => {
    await startStack({ log: () => {} });
    vmDirect = stackEnv().MONITORING_VM_DIRECT_URL;
  });

  afterAll(async () => {
    // Whatever happened, leave the stack as the next test expects it.
    await control.start('vmauth');
    for (const env of ENVIRONMENTS) await control.start(`vmagent-${env.name}`);
  });

  it(`loses no sample of any spoke while vmauth is down for ${OUTAGE_SECONDS} s`, async () => {
    const before = now();
    await sleep(2 * SCRAPE_SECONDS * 1000);
    const down = now();
    await control.stop('vmauth');
    await sleep(OUTAGE_SECONDS * 1000);
    await control.start('vmauth');
    const up = now();
    const drainSeconds = await waitForDrain(180);
    await sleep(2 * SCRAPE_SECONDS * 1000);
    await settle();

    const counted = await countSamples(undefined, before, now() - 10);
    const perCluster = await Promise.all(
      ENVIRONMENTS.map(
        async e =>
          [
            e.cluster,
            await countSamples(e.cluster, before, now() - 10),
          ] as const,
      ),
    );
    // eslint-disable-next-line no-console
    console.log(
      `hub outage: vmauth down ${(up - down).toFixed(0)} s; queues drained ${drainSeconds.toFixed(0)} s after ` +
        `recovery; ${counted.series} series x ${counted.expectedPerSeries} scrapes: ${counted.missing} samples missing ` +
        `(${perCluster.map(([c, n]) => `${c} ${n.missing}`).join(', ')})`,
    );
    expect(counted.series).toBeGreaterThanOrEqual(ENVIRONMENTS.length * 5);
    expect(perCluster.every(([, n]) => n.series > 0)).toBe(true);
    expect(counted.missing).toBe(0);
  });

  it('keeps the persistent queue of a vmagent SIGKILLed while the hub is down', async () => {
    const victim = ENVIRONMENTS[0];
    const before = now();
    await sleep(2 * SCRAPE_SECONDS * 1000);
    await control.stop('vmauth');
    // Long enough that several scrapes wait in the queue, on disk and in memory.
    await sleep(40_000);
    const queuedBeforeKill = await pendingBytes(victim.vmagentPort);
    await control.kill(`vmagent-${victim.name}`);
    const killedAt = now();
    await control.start(`vmagent-${victim.name}`);
    const restartedAt = now();
    await sleep(15_000);
    await control.start('vmauth');
    const drainSeconds = await waitForDrain(180);
    await sleep(2 * SCRAPE_SECONDS * 1000);
    await settle();

    const end = now() - 10;
    const killed = await countSamples(victim.cluster, before, end);
    const others = await Promise.all(
      ENVIRONMENTS.slice(1).map(e => countSamples(e.cluster, before, end)),
    );
    const lostScrapes = killed.missing / killed.series;
    // eslint-disable-next-line no-console
    console.log(
      `vmagent SIGKILL during a hub outage: ${queuedBeforeKill} bytes queued at the kill; restarted in ` +
        `${(restartedAt - killedAt).toFixed(1)} s; drained ${drainSeconds.toFixed(0)} s after the hub returned; ` +
        `${victim.cluster} lost ${killed.missing} samples over ${killed.series} series ` +
        `(${lostScrapes.toFixed(2)} scrapes per series, fewest ${killed.fewest}/${killed.expectedPerSeries}); ` +
        `other spokes lost ${others.map(o => o.missing).join(', ')}`,
    );
    expect(queuedBeforeKill).toBeGreaterThan(0);
    // What was on disk survived: the loss is what the send workers held in memory (about one
    // scrape) plus the scrapes missed while the process was dead, not the 40 s of the outage.
    const deadScrapes = Math.ceil((restartedAt - killedAt) / SCRAPE_SECONDS);
    expect(lostScrapes).toBeLessThanOrEqual(1 + deadScrapes + 1);
    expect(killed.fewest).toBeGreaterThanOrEqual(
      killed.expectedPerSeries - (2 + deadScrapes),
    );
    expect(others.every(o => o.missing === 0)).toBe(true);
  });
});
