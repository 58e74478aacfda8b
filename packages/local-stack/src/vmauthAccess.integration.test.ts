/**
 * Integration: the real vmauth of the local stack, configured from the same tenant paths the
 * hub's VMUsers get, enforces the access matrix (docs/architecture.md, access matrix) - spokes
 * write and cannot read, the portal reads and cannot write - and a spoke writes only its own
 * `cluster` and `environment` labels, whatever its series or its request URL claim.
 */
import {
  INSERT_PATH,
  SELECT_PATH,
  startStack,
  stackPaths,
  URLS,
  ensurePassword,
} from './index';

jest.setTimeout(240_000);

const VMAUTH = 'http://127.0.0.1:8427';

async function call(user: string, path: string, init: RequestInit = {}) {
  const password = ensurePassword(stackPaths(), user);
  const res = await fetch(`${VMAUTH}${path}`, {
    ...init,
    headers: {
      ...(init.headers as Record<string, string> | undefined),
      authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
    },
  });
  return { status: res.status, body: await res.text() };
}

// Prometheus remote write (what the write path accepts): a protobuf WriteRequest, snappy
// block-compressed. Both encoded by hand, enough for a few series.
function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v >= 128) {
    out.push((v % 128) + 128);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}
/** A length-delimited protobuf field (wire type 2). */
function field(num: number, bytes: Uint8Array | number[]): number[] {
  return [(num << 3) | 2, ...varint(bytes.length), ...bytes];
}
const text = (s: string) => [...Buffer.from(s, 'utf8')];
function writeRequest(
  series: Array<{ labels: Record<string, string>; value: number; ms: number }>,
): Buffer {
  const timeseries = series.map(s => {
    const labels = Object.entries(s.labels).flatMap(([name, value]) =>
      field(1, [...field(1, text(name)), ...field(2, text(value))]),
    );
    const value = Buffer.alloc(8);
    value.writeDoubleLE(s.value);
    // Sample: double value = 1 (wire type 1), int64 timestamp = 2 (varint).
    const sample = [0x09, ...value, 0x10, ...varint(s.ms)];
    return field(1, [...labels, ...field(2, sample)]);
  });
  return Buffer.from(timeseries.flat());
}
/** Snappy block format with literals only (valid, uncompressed). */
function snappy(data: Buffer): Buffer {
  const out: number[] = [...varint(data.length)];
  for (let i = 0; i < data.length; i += 65536) {
    const chunk = data.subarray(i, i + 65536);
    const n = chunk.length - 1;
    if (n < 60) out.push(n << 2);
    else if (n < 256) out.push(60 << 2, n);
    else out.push(61 << 2, n & 0xff, n >> 8);
    out.push(...chunk);
  }
  return Buffer.from(out);
}

/** Remote-writes series as `user` through vmauth, to the write path plus `query`. */
async function remoteWrite(
  user: string,
  series: Array<{ labels: Record<string, string>; value: number; ms: number }>,
  query = '',
) {
  return call(user, `${INSERT_PATH}/api/v1/write${query}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-protobuf',
      'content-encoding': 'snappy',
      'x-prometheus-remote-write-version': '0.1.0',
    },
    body: snappy(writeRequest(series)),
  });
}

/** The series of `metric{probe}` as stored, read back as the portal reads, once they appear. */
async function readBack(metric: string, probe: string, ms: number) {
  // Evaluated at the samples' own time (a minute back, before VictoriaMetrics' latency offset).
  const query = encodeURIComponent(`${metric}{probe="${probe}"}`);
  const path = `${SELECT_PATH}/api/v1/query?query=${query}&time=${ms / 1000}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await call('portal', path);
    expect(res.status).toBe(200);
    const result: Array<{
      metric: Record<string, string>;
      value: [number, string];
    }> = JSON.parse(res.body).data.result;
    if (result.length > 0 || Date.now() > deadline) return result;
    await new Promise(r => setTimeout(r, 1000));
  }
}

describe('vmauth access matrix on the real stack', () => {
  beforeAll(async () => {
    await startStack({ log: () => {} });
  });

  it('lets a spoke write: its vmagent delivers through vmauth and vmauth routes the write path', async () => {
    // The dev vmagent authenticates as spoke-dev; its successful remote writes are counted.
    const metrics = await (await fetch('http://127.0.0.1:8429/metrics')).text();
    const delivered = [
      ...metrics.matchAll(
        /^vmagent_remotewrite_requests_total\{[^}]*status_code="2(?:\d\d|XX)"[^}]*\} (\d+)/gm,
      ),
    ].reduce((sum, m) => sum + Number(m[1]), 0);
    expect(delivered).toBeGreaterThan(0);

    // A garbage body reaches VictoriaMetrics (its snappy error), not vmauth's "missing route".
    const write = await call('spoke-dev', `${INSERT_PATH}/api/v1/write`, {
      method: 'POST',
      body: 'x',
    });
    expect(write.body).toMatch(/snappy/);
    expect(write.body).not.toMatch(/missing route/);
  });

  it.each([
    `${SELECT_PATH}/api/v1/query?query=up`,
    `${INSERT_PATH}/api/v1/query?query=up`,
    '/api/v1/write',
    `${SELECT_PATH}/api/v1/export?match[]=up`,
    `${SELECT_PATH}/api/v1/admin/tsdb/delete_series?match[]=up`,
  ])('refuses a spoke on %s', async path => {
    const res = await call('spoke-production', path);
    expect(res.status).toBe(400);
    expect(res.body).toMatch(/missing route/);
  });

  it('lets the portal read', async () => {
    const res = await call(
      'portal',
      `${SELECT_PATH}/api/v1/query?query=count(up)`,
    );
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).data.result[0].value[1]).not.toBe('0');
  });

  it.each([
    `${INSERT_PATH}/api/v1/write`,
    `${SELECT_PATH}/api/v1/write`,
    `${SELECT_PATH}/api/v1/import`,
    `${SELECT_PATH}/api/v1/admin/tsdb/delete_series?match[]=up`,
  ])('refuses the portal on %s', async path => {
    const res = await call('portal', path, { method: 'POST', body: 'x' });
    expect(res.status).toBe(400);
    expect(res.body).toMatch(/missing route/);
  });

  describe('a spoke writes only its own labels', () => {
    // A run-unique probe label, so reruns against the same database never see older samples.
    const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    const metric = 'vmauth_spoof_probe';
    const ms = Date.now() - 60_000;

    // The probes stay out of the shared database (those of a failed run carry spoofed labels).
    afterAll(async () => {
      const match = `${metric}{probe=~"${run}-.*"}`;
      await fetch(`${URLS.victoriaMetrics}/api/v1/admin/tsdb/delete_series`, {
        method: 'POST',
        body: new URLSearchParams([['match[]', match]]),
      });
    });

    it("lands a series that claims another cluster with the writer's own cluster and environment", async () => {
      const probe = `${run}-series`;
      const write = await remoteWrite('spoke-dev', [
        {
          labels: {
            __name__: metric,
            probe,
            cluster: 'prod-cluster',
            environment: 'production',
          },
          value: 42,
          ms,
        },
      ]);
      expect(write.status).toBe(204);

      const stored = await readBack(metric, probe, ms);
      expect(stored).toEqual([
        {
          metric: {
            __name__: metric,
            probe,
            cluster: 'dev-cluster',
            environment: 'dev',
          },
          value: [ms / 1000, '42'],
        },
      ]);
    });

    it('keeps the forced labels when the client adds its own extra_label query arguments', async () => {
      const probe = `${run}-query`;
      const spoofed = `?${new URLSearchParams([
        ['extra_label', 'cluster=prod-cluster'],
        ['extra_label', 'environment=production'],
      ])}`;
      const write = await remoteWrite(
        'spoke-dev',
        [
          { labels: { __name__: metric, probe }, value: 7, ms },
          {
            labels: {
              __name__: metric,
              probe: `${probe}-b`,
              cluster: 'prod-cluster',
            },
            value: 8,
            ms,
          },
        ],
        spoofed,
      );
      expect(write.status).toBe(204);

      for (const [p, value] of [
        [probe, '7'],
        [`${probe}-b`, '8'],
      ]) {
        const stored = await readBack(metric, p, ms);
        expect(stored).toEqual([
          {
            metric: {
              __name__: metric,
              probe: p,
              cluster: 'dev-cluster',
              environment: 'dev',
            },
            value: [ms / 1000, value],
          },
        ]);
      }
    });

    it("forces each spoke's own labels, not the dev spoke's", async () => {
      const probe = `${run}-staging`;
      const write = await remoteWrite(
        'spoke-staging',
        [
          {
            labels: {
              __name__: metric,
              probe,
              cluster: 'dev-cluster',
              environment: 'dev',
            },
            value: 3,
            ms,
          },
        ],
        '?extra_label=cluster%3Ddev-cluster',
      );
      expect(write.status).toBe(204);
      const stored = await readBack(metric, probe, ms);
      expect(
        stored.map(s => [s.metric.cluster, s.metric.environment, s.value[1]]),
      ).toEqual([['staging-cluster', 'staging', '3']]);
    });
  });

  it('refuses a wrong password without echoing the credentials', async () => {
    const sent = Buffer.from('portal:wrong').toString('base64');
    const res = await fetch(`${VMAUTH}${SELECT_PATH}/api/v1/query?query=up`, {
      headers: { authorization: `Basic ${sent}` },
    });
    expect(res.status).toBe(401);
    expect(await res.text()).not.toContain(sent);
  });
});
