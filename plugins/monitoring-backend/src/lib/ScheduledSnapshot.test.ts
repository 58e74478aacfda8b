import { mockServices } from '@backstage/backend-test-utils';
import { CacheService, SchedulerService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import { ScheduledSnapshot } from './ScheduledSnapshot';

const schedule = { refreshSeconds: 10, maxAgeSeconds: 60, firstWaitSeconds: 1 };

function setup(options: {
  compute: () => Promise<number>;
  cache?: CacheService;
  scheduler?: Partial<SchedulerService>;
}) {
  const cache = options.cache ?? mockServices.cache.mock();
  const store = new Map<string, unknown>();
  if (!options.cache) {
    (cache.get as jest.Mock).mockImplementation(async (k: string) =>
      store.get(k),
    );
    (cache.set as jest.Mock).mockImplementation(async (k: string, v) => {
      store.set(k, v);
    });
    (cache.delete as jest.Mock).mockImplementation(async (k: string) => {
      store.delete(k);
    });
  }
  const scheduler = {
    scheduleTask: jest.fn(),
    triggerTask: jest.fn(),
    ...options.scheduler,
  } as unknown as SchedulerService;
  const logger = mockServices.logger.mock();
  const snapshot = new ScheduledSnapshot(
    {
      id: 'task',
      key: 'k',
      what: 'the test',
      compute: options.compute,
      schedule,
    },
    cache,
    scheduler,
    logger,
  );
  return { snapshot, store, scheduler, logger, cache };
}

describe('ScheduledSnapshot', () => {
  afterEach(() => jest.useRealTimers());

  it('registers a global task on the configured cadence', async () => {
    const { snapshot, scheduler } = setup({ compute: async () => 1 });
    await snapshot.start();
    expect(scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({
        id: 'task',
        scope: 'global',
        frequency: { seconds: 10 },
      }),
    );
  });

  it('serves what a refresh stored, from any instance sharing the cache', async () => {
    let n = 0;
    const a = setup({ compute: async () => ++n });
    await a.snapshot.refresh();
    // Another replica: same cache, never computed.
    const b = setup({ compute: async () => 100, cache: a.cache });
    const read = await b.snapshot.read();
    expect(read.value).toBe(1);
    expect(read.info).toMatchObject({ stale: false, ageSeconds: 0 });
    expect(b.scheduler.triggerTask).not.toHaveBeenCalled();
  });

  it('keeps serving a snapshot whose refreshes fail, marked stale with the reason, then answers 503 past maxAge', async () => {
    jest.useFakeTimers({ now: Date.parse('2026-12-07T10:00:00Z') });
    let fail = false;
    const { snapshot, store } = setup({
      compute: async () => {
        if (fail) throw new ServiceUnavailableError('VMSelect answered 503');
        return 7;
      },
    });
    await snapshot.refresh();
    fail = true;
    jest.setSystemTime(Date.parse('2026-12-07T10:00:25Z'));
    await snapshot.refresh();
    const stale = await snapshot.read();
    expect(stale.value).toBe(7);
    expect(stale.info).toMatchObject({ ageSeconds: 25, stale: true });
    expect(stale.info.warning).toBe(
      'this snapshot of the test is 25s old: refreshing it failed (VMSelect answered 503)',
    );
    // The cache expires both keys after maxAge (60 s), when what this process keeps is as old.
    store.delete('k:at');
    store.delete('k:data');
    jest.setSystemTime(Date.parse('2026-12-07T10:01:01Z'));
    await expect(snapshot.read()).rejects.toThrow(
      new ServiceUnavailableError(
        'no snapshot of the test yet: VMSelect answered 503',
      ),
    );
  });

  it('on a cold start, asks the scheduler to run now and waits for the first snapshot', async () => {
    const holder: { snapshot?: ScheduledSnapshot<number> } = {};
    const { snapshot, scheduler } = setup({
      compute: async () => 42,
      scheduler: {
        triggerTask: jest.fn(async () => {
          // The task runs on some replica a moment later.
          setTimeout(() => holder.snapshot!.refresh(), 300);
        }),
      },
    });
    holder.snapshot = snapshot;
    const [one, two] = await Promise.all([snapshot.read(), snapshot.read()]);
    expect(one.value).toBe(42);
    expect(two.value).toBe(42);
    expect(scheduler.triggerTask).toHaveBeenCalledTimes(1);
    expect(scheduler.triggerTask).toHaveBeenCalledWith('task');
  });

  it('answers 503 when the first snapshot does not come in time', async () => {
    const { snapshot } = setup({ compute: async () => 1 });
    await expect(snapshot.read()).rejects.toThrow(
      'no snapshot of the test yet; try again in a few seconds',
    );
  });

  it('serves the last parsed snapshot while the cache is down, restarted or hanging', async () => {
    const { snapshot, cache, store } = setup({ compute: async () => 5 });
    await snapshot.refresh();
    (cache.get as jest.Mock).mockRejectedValueOnce(new Error('ECONNREFUSED'));
    expect((await snapshot.read()).value).toBe(5);
    // Backstage's cache service answers a failed read as a miss.
    store.clear();
    expect((await snapshot.read()).value).toBe(5);
    // A client that queues commands while it reconnects.
    (cache.get as jest.Mock).mockImplementation(() => new Promise(() => {}));
    expect((await snapshot.read()).value).toBe(5);
  });

  it('tells callers only what its own clients say; the rest goes to the log', async () => {
    const { snapshot, logger } = setup({
      compute: async () => {
        throw new Error(
          'request to http://catalog.internal:7007/api/catalog/entities failed, reason: ECONNREFUSED',
        );
      },
    });
    await snapshot.refresh();
    const error = await snapshot.read().catch(e => e);
    expect(error.message).toBe(
      'no snapshot of the test yet: an error the backend logged',
    );
    // The log says what failed, without the address.
    expect(logger.warn).toHaveBeenCalledWith(
      'monitoring: refreshing the test failed: Error: request to <url> failed, reason: ECONNREFUSED',
    );
  });

  it('does not write an older snapshot over a newer one', async () => {
    let resolveSlow: (v: number) => void = () => {};
    let calls = 0;
    const { snapshot, store } = setup({
      compute: () =>
        ++calls === 1
          ? new Promise<number>(r => (resolveSlow = r))
          : Promise.resolve(2),
    });
    const slow = snapshot.refresh();
    await new Promise(r => setTimeout(r, 5));
    await snapshot.refresh();
    resolveSlow(1);
    await slow;
    expect(JSON.parse(store.get('k:data') as string).value).toBe(2);
  });
});
