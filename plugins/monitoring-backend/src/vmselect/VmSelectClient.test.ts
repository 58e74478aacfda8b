import http from 'node:http';
import { AddressInfo } from 'node:net';
import { InputError, ServiceUnavailableError } from '@backstage/errors';
import { startFakeVmSelect } from '../__testUtils__/fakeVmSelect';
import { VmSelectClient } from './VmSelectClient';

describe('VmSelectClient', () => {
  let fake: Awaited<ReturnType<typeof startFakeVmSelect>>;
  let answer: Parameters<typeof startFakeVmSelect>[0];
  beforeAll(async () => {
    fake = await startFakeVmSelect(req => answer(req));
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.requests.length = 0;
  });

  const client = (
    over: Partial<ConstructorParameters<typeof VmSelectClient>[0]> = {},
  ) =>
    new VmSelectClient({
      baseUrl: `${fake.url}/select/0/prometheus`,
      auth: { type: 'basic', username: 'portal', password: 's3cret' },
      timeoutMs: 2000,
      maxConcurrency: 4,
      maxQueued: 200,
      maxRequestsPerPrincipal: 6,
      ...over,
    });

  it('posts a range query under the path prefix with basic auth and parses the matrix', async () => {
    answer = () => ({
      body: JSON.stringify({
        status: 'success',
        data: {
          resultType: 'matrix',
          result: [
            {
              metric: { environment: 'dev' },
              values: [
                [1700000000, '1.5'],
                [1700000030, 'NaN'],
                [1700000060, '+Inf'],
                [1700000090, '2'],
              ],
            },
          ],
        },
      }),
    });
    const result = await client().queryRange('sum(up)', {
      start: 1700000000,
      end: 1700000090,
      stepSeconds: 30,
    });
    expect(fake.requests[0]).toMatchObject({
      path: '/select/0/prometheus/api/v1/query_range',
      params: {
        query: 'sum(up)',
        start: '1700000000',
        end: '1700000090',
        step: '30s',
      },
      authorization: `Basic ${Buffer.from('portal:s3cret').toString('base64')}`,
    });
    // NaN and Inf cannot travel as JSON numbers: they are dropped, not turned into null.
    expect(result).toEqual([
      {
        metric: { environment: 'dev' },
        points: [
          [1700000000000, 1.5],
          [1700000090000, 2],
        ],
      },
    ]);
  });

  it('sends a bearer token', async () => {
    answer = () => ({
      body: '{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1700000000,"2"]}]}}',
    });
    const out = await client({ auth: { type: 'bearer', token: 'tok' } }).query(
      '1+1',
    );
    expect(fake.requests[0].authorization).toBe('Bearer tok');
    expect(out).toEqual([{ metric: {}, time: 1700000000000, value: 2 }]);
  });

  it('maps a refused query to InputError without the upstream message', async () => {
    answer = () => ({
      status: 422,
      body: '{"status":"error","errorType":"422","error":"error when executing query=\\"sum(\\" secret-ish detail"}',
    });
    const error = await client()
      .query('sum(')
      .catch(e => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe('VMSelect rejected the query (HTTP 422, 422)');
  });

  it('never repeats the credentials vmauth echoes on a wrong password', async () => {
    answer = () => ({
      status: 400,
      contentType: 'text/plain; charset=utf-8',
      body: 'cannot find the provided auth token "Basic cG9ydGFsOnMzY3JldA==" in config',
    });
    const error = await client()
      .query('up')
      .catch(e => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toMatch(/refused the request \(HTTP 400\)/);
    expect(JSON.stringify({ m: error.message, s: error.stack })).not.toMatch(
      /cG9ydGFs|s3cret|auth token/,
    );
  });

  it.each([
    [502, /answered HTTP 502/],
    [503, /answered HTTP 503/],
    [401, /refused the request \(HTTP 401\)/],
  ])('maps HTTP %s to ServiceUnavailableError', async (status, message) => {
    answer = () => ({ status, body: 'upstream says: password=hunter2' });
    const error = await client()
      .query('up')
      .catch(e => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toMatch(message);
    expect(error.message).not.toMatch(/hunter2/);
  });

  it('rejects a 200 that is not a query result', async () => {
    answer = () => ({ contentType: 'text/html', body: '<html>login</html>' });
    await expect(client().query('up')).rejects.toThrow(/not a query result/);
  });

  it('times out', async () => {
    answer = () => ({ body: '{}', delayMs: 500 });
    await expect(client({ timeoutMs: 50 }).query('up')).rejects.toThrow(
      'did not answer within 50 ms',
    );
  });

  it('reports an unreachable upstream without credentials or its address', async () => {
    const error = await client({ baseUrl: 'http://127.0.0.1:1' })
      .query('up')
      .catch(e => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toBe('VMSelect is unreachable');
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain(
      '127.0.0.1',
    );
  });

  it('times out on a body that stops half way', async () => {
    const slow = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"status":"success","data":');
    });
    await new Promise<void>(resolve => slow.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = slow.address() as AddressInfo;
      const error = await client({
        baseUrl: `http://127.0.0.1:${port}`,
        timeoutMs: 200,
      })
        .query('up')
        .catch(e => e);
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect(error.message).toBe('VMSelect did not answer within 200 ms');
    } finally {
      slow.closeAllConnections();
      slow.close();
    }
  });
});
