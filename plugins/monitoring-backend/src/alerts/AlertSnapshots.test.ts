import { mockServices } from '@backstage/backend-test-utils';
import { AlertmanagerClient } from './AlertmanagerClient';
import { AlertSnapshots } from './AlertSnapshots';
import { VmAlertClient } from './VmAlertClient';

function clients(opts: { amFails?: boolean } = {}) {
  const calls = { rules: 0, amAlerts: 0, silences: 0 };
  const vmalert = {
    alertingRules: async () => {
      calls.rules++;
      await new Promise(r => setTimeout(r, 20));
      return [];
    },
  } as unknown as VmAlertClient;
  const am = {
    alerts: async () => {
      calls.amAlerts++;
      if (opts.amFails) throw new Error('alertmanager is unreachable');
      return [];
    },
    silences: async () => {
      calls.silences++;
      return [
        {
          id: 'a',
          state: 'active',
          matchers: [],
          startsAt: '',
          endsAt: '',
          createdBy: '',
          comment: '',
        },
        {
          id: 'b',
          state: 'expired',
          matchers: [],
          startsAt: '',
          endsAt: '',
          createdBy: '',
          comment: '',
        },
      ];
    },
  } as unknown as AlertmanagerClient;
  return { calls, vmalert, am };
}

/** A CacheService on a Map: what several replicas' cache service would share. */
function mapCache(): any {
  const store = new Map<string, unknown>();
  const cache = {
    get: async (k: string) => store.get(k),
    set: async (k: string, v: unknown) => void store.set(k, v),
    delete: async (k: string) => void store.delete(k),
    withOptions: () => cache,
  };
  return cache;
}

describe('AlertSnapshots', () => {
  it('reads vmalert and Alertmanager once for 100 concurrent requests, then from the cache', async () => {
    const { calls, vmalert, am } = clients();
    const snapshots = new AlertSnapshots(
      vmalert,
      am,
      mockServices.cache.mock(),
      mockServices.logger.mock(),
    );
    const all = await Promise.all(
      Array.from({ length: 100 }, () => snapshots.get()),
    );
    expect(calls).toEqual({ rules: 1, amAlerts: 1, silences: 1 });
    expect(new Set(all).size).toBe(1);
    expect(all[0].silences.map(s => s.id)).toEqual(['a']);
  });

  it('shares the read through the CacheService and reads again after invalidate()', async () => {
    const { calls, vmalert, am } = clients();
    const cache = mapCache();
    const snapshots = new AlertSnapshots(
      vmalert,
      am,
      cache,
      mockServices.logger.mock(),
    );
    await snapshots.get();
    await snapshots.get();
    expect(calls.rules).toBe(1);
    await snapshots.invalidate();
    await snapshots.get();
    expect(calls.rules).toBe(2);
  });

  it('keeps vmalert state when Alertmanager is down, and says so', async () => {
    const { vmalert, am } = clients({ amFails: true });
    const logger = mockServices.logger.mock();
    const snapshot = await new AlertSnapshots(
      vmalert,
      am,
      mockServices.cache.mock(),
      logger,
    ).get();
    expect(snapshot.alertmanager).toBe('unavailable');
    expect(logger.warn).toHaveBeenCalledWith(
      'monitoring: Alertmanager read failed: alertmanager is unreachable',
    );
  });

  it('works without an Alertmanager', async () => {
    const { vmalert } = clients();
    const snapshot = await new AlertSnapshots(
      vmalert,
      undefined,
      mockServices.cache.mock(),
      mockServices.logger.mock(),
    ).get();
    expect(snapshot.alertmanager).toBe('not-configured');
  });

  it('reads once more, not twice more, when a silence changes during a read', async () => {
    const { calls, vmalert, am } = clients();
    const snapshots = new AlertSnapshots(
      vmalert,
      am,
      mockServices.cache.mock(),
      mockServices.logger.mock(),
    );
    const first = snapshots.get();
    await snapshots.invalidate();
    const second = snapshots.get();
    await first;
    // The first read's end must not drop the second from in-flight.
    const third = snapshots.get();
    await Promise.all([second, third]);
    expect(calls.rules).toBe(2);
  });
});

describe('AlertSnapshots after silence writes of this process', () => {
  it('lists a silence created here and hides one expired here until a read shows them, reading again once for a burst', async () => {
    const { calls, vmalert, am } = clients();
    const cache = mapCache();
    const snapshots = new AlertSnapshots(
      vmalert,
      am,
      cache,
      mockServices.logger.mock(),
    );
    await snapshots.get();
    const created = {
      id: 'new',
      state: 'active' as const,
      matchers: [],
      startsAt: '2026-01-01T00:00:00Z',
      endsAt: '2999-01-01T00:00:00Z',
      createdBy: 'user:default/alice',
      comment: 'x',
    };
    // The first write invalidates at once; the others of the burst wait for the window's end.
    await snapshots.silenceCreated(created);
    await snapshots.silenceExpired('a');
    // Each write followed by a read, as the tab does.
    for (let i = 0; i < 5; i++) {
      await snapshots.silenceCreated({ ...created, id: `burst-${i}` });
      await snapshots.get();
    }
    const after = await snapshots.get();
    expect(calls.silences).toBe(2);
    expect(after.silences.map(s => s.id)).toEqual([
      'new',
      'burst-0',
      'burst-1',
      'burst-2',
      'burst-3',
      'burst-4',
    ]);
    await snapshots.get();
    expect(calls.silences).toBe(2);
  });

  it('shows the alerts a silence made or expired here mutes, before Alertmanager is read again', async () => {
    const firing = (labels: Record<string, string>, silencedBy: string[]) => ({
      fingerprint: labels.service,
      labels,
      state: silencedBy.length ? 'suppressed' : 'active',
      silencedBy,
      inhibitedBy: [],
    });
    const silence = (id: string, service: string) => ({
      id,
      state: 'active' as const,
      matchers: [
        { name: 'service', value: service, isRegex: false, isEqual: true },
      ],
      startsAt: '2026-01-01T00:00:00Z',
      endsAt: '2999-01-01T00:00:00Z',
      createdBy: 'user:default/alice',
      comment: 'x',
    });
    let reads = 0;
    const am = {
      alerts: async () => {
        reads++;
        return [
          firing({ alertname: 'A', service: 'payments' }, ['old']),
          firing({ alertname: 'A', service: 'checkout' }, []),
        ];
      },
      silences: async () => [silence('old', 'payments')],
    } as unknown as AlertmanagerClient;
    const vmalert = {
      alertingRules: async () => [],
    } as unknown as VmAlertClient;
    const snapshots = new AlertSnapshots(
      vmalert,
      am,
      mockServices.cache.mock(),
      mockServices.logger.mock(),
    );
    await snapshots.get();
    // Within one refresh window: the second write waits, its effect is shown at once.
    await snapshots.silenceCreated(silence('new', 'checkout'));
    await snapshots.silenceExpired('old');
    const state = (snapshot: Awaited<ReturnType<typeof snapshots.get>>) =>
      Object.fromEntries(
        snapshot.amAlerts.map(a => [a.labels.service, [a.state, a.silencedBy]]),
      );
    expect(state(await snapshots.get())).toEqual({
      payments: ['active', []],
      checkout: ['suppressed', ['new']],
    });
    expect(reads).toBe(2);
  });

  it("shows another replica's silence on the next read, even when a read that predates it lands later", async () => {
    const cache = mapCache();
    let silences: string[] = [];
    let release = () => {};
    let slow = false;
    const vmalert = { alertingRules: async () => [] } as any;
    const am = {
      alerts: async () => [],
      silences: async () => {
        const seen = [...silences];
        // Replica B's read takes its time: it answers what Alertmanager had when asked.
        if (slow) await new Promise<void>(r => (release = r));
        return seen.map(id => ({
          id,
          state: 'active',
          matchers: [],
          startsAt: '',
          endsAt: '2999-01-01T00:00:00Z',
          createdBy: '',
          comment: '',
        }));
      },
    } as any;
    const logger = mockServices.logger.mock();
    const a = new AlertSnapshots(vmalert, am, cache, logger);
    const b = new AlertSnapshots(vmalert, am, cache, logger);
    expect((await b.get()).silences).toEqual([]);

    // B starts a read before the silence exists; A creates it and invalidates; B's read lands.
    slow = true;
    await b.invalidate();
    const before = b.get();
    await new Promise(r => setTimeout(r, 10));
    silences = ['s1'];
    slow = false;
    await a.invalidate();
    release();
    expect((await before).silences).toEqual([]);
    // B's next read is not served what its older read cached.
    expect((await b.get()).silences.map(s => s.id)).toEqual(['s1']);
  });
});
