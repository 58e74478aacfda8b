/**
 * Integration: the real vmauth of the local stack, configured from the same tenant paths the
 * hub's VMUsers get, enforces the seed's access matrix - spokes write and cannot read, the
 * portal reads and cannot write.
 */
import {
  INSERT_PATH,
  SELECT_PATH,
  startStack,
  stackPaths,
} from '@internal/monitoring-local-stack';
import { ensurePassword } from '@internal/monitoring-local-stack';

jest.setTimeout(240_000);

const VMAUTH = 'http://127.0.0.1:8427';

async function call(user: string, path: string, init: RequestInit = {}) {
  const password = ensurePassword(stackPaths(), user);
  const res = await fetch(`${VMAUTH}${path}`, {
    ...init,
    headers: {
      authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
    },
  });
  return { status: res.status, body: await res.text() };
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

  it('refuses a wrong password without echoing the credentials', async () => {
    const sent = Buffer.from('portal:wrong').toString('base64');
    const res = await fetch(`${VMAUTH}${SELECT_PATH}/api/v1/query?query=up`, {
      headers: { authorization: `Basic ${sent}` },
    });
    expect(res.status).toBe(401);
    expect(await res.text()).not.toContain(sent);
  });
});
