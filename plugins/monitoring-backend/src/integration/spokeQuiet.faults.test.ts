/**
 * Fault: a spoke goes quiet for real. Its vmagent is stopped; within a bounded time `/stack`
 * calls that spoke lagging (then down) while the other spokes stay ok; once it runs again it
 * returns to ok. Runs with the fault tests (in band, last), since it stops a process.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { StackResponse } from '@hubspoke/backstage-plugin-monitoring-common';
import request from 'supertest';
import {
  ENVIRONMENTS,
  stackProcessControl,
  startStack,
} from '@internal/monitoring-local-stack';
import { stackVmselect } from '../__testUtils__/entities';
import { startMonitoringBackend } from '../__testUtils__/startMonitoringBackend';

jest.setTimeout(420_000);

const QUIET = ENVIRONMENTS.find(e => e.name === 'staging')!;
const OTHERS = ENVIRONMENTS.filter(e => e !== QUIET).map(e => e.cluster);
/** As app-config.yaml sets them for the local stack (15 s scrapes, 5 s latency offset). */
const THRESHOLDS = { laggingAfter: '45s', downAfter: '3m' };

describe('a spoke whose vmagent stops', () => {
  const control = stackProcessControl();
  let server: any;

  beforeAll(async () => {
    const env = await startStack({ log: () => {} });
    ({ server } = await startMonitoringBackend({
      // The stack's snapshot refreshes on its own, every 5 s, as a replica's scheduler runs it.
      realScheduler: true,
      monitoring: {
        vmselect: stackVmselect(env),
        stack: THRESHOLDS,
        snapshots: { refresh: '5s' },
      },
      permissions: AuthorizeResult.ALLOW,
    }));
  });

  afterAll(async () => {
    if (!control.isRunning(`vmagent-${QUIET.name}`))
      await control.start(`vmagent-${QUIET.name}`);
  });

  async function verdicts(): Promise<Record<string, string>> {
    const res = await request(server)
      .get('/api/monitoring/stack')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    return Object.fromEntries(
      (res.body as StackResponse).clusters.map(c => [c.cluster, c.verdict]),
    );
  }

  /** Polls every 5 s (the snapshot's cadence) until `done`; returns the seconds it took. */
  async function until(
    done: (v: Record<string, string>) => boolean,
    timeoutMs: number,
  ) {
    const started = Date.now();
    let last: Record<string, string> = {};
    while (Date.now() - started < timeoutMs) {
      last = await verdicts();
      if (done(last)) return { seconds: (Date.now() - started) / 1000, last };
      await new Promise(resolve => setTimeout(resolve, 5000));
    }
    return { seconds: Infinity, last };
  }

  it('is lagging within two minutes while the others stay ok, and ok again after it restarts', async () => {
    const healthy = await until(
      v => ENVIRONMENTS.every(e => v[e.cluster] === 'ok'),
      60_000,
    );
    expect(healthy.last).toMatchObject(
      Object.fromEntries(ENVIRONMENTS.map(e => [e.cluster, 'ok'])),
    );

    await control.stop(`vmagent-${QUIET.name}`);
    const quiet = await until(v => v[QUIET.cluster] !== 'ok', 120_000);
    expect(quiet.last[QUIET.cluster]).toMatch(/^(lagging|down)$/);
    expect(quiet.seconds).toBeLessThan(120);
    for (const c of OTHERS)
      expect({ c, v: quiet.last[c] }).toEqual({ c, v: 'ok' });

    await control.start(`vmagent-${QUIET.name}`);
    const back = await until(v => v[QUIET.cluster] === 'ok', 90_000);
    expect(back.last[QUIET.cluster]).toBe('ok');
    for (const c of OTHERS)
      expect({ c, v: back.last[c] }).toEqual({ c, v: 'ok' });
    // eslint-disable-next-line no-console
    console.log(
      `spoke quiet: lagging after ${quiet.seconds.toFixed(0)} s, ok ${back.seconds.toFixed(0)} s after restart`,
    );
  });
});
