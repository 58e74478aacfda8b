// Over 400 lines: the emulator's REST semantics in one suite, until real control planes
// replace it (issue 18).
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import {
  CORE_RESOURCES,
  KubeEmulator,
  MAX_REQUEST_BODY_BYTES,
  OPERATOR_RESOURCES,
} from '.';

const ns = {
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name: 'monitoring' },
};
const cm = (data: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'c', namespace: 'monitoring' },
  data,
});
const vmcluster = {
  apiVersion: 'operator.victoriametrics.com/v1beta1',
  kind: 'VMCluster',
  metadata: { name: 'hub', namespace: 'monitoring' },
  spec: { retentionPeriod: '15d', replicationFactor: 2 },
};

describe('KubeEmulator', () => {
  let emu: KubeEmulator;
  let client: KubernetesObjectApi;
  const apply = (
    obj: any,
    manager = 'm',
    opts: { dryRun?: boolean; force?: boolean } = {},
  ) =>
    client.patch(
      obj,
      undefined,
      opts.dryRun ? 'All' : undefined,
      manager,
      opts.force,
      PatchStrategy.ServerSideApply,
    );
  const code = (p: Promise<unknown>) =>
    p.then(
      () => 200,
      (e: any) => e.code,
    );
  // The client hands the Status body over as a string.
  const body = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: any) => (typeof e.body === 'string' ? JSON.parse(e.body) : e.body),
    );

  beforeEach(async () => {
    emu = await KubeEmulator.start({
      resources: [...CORE_RESOURCES, ...OPERATOR_RESOURCES],
    });
    client = KubernetesObjectApi.makeApiClient(emu.kubeConfig());
  });
  afterEach(() => emu.close());

  it('serves discovery for installed resources only', async () => {
    const get = async (p: string) => {
      const res = await fetch(`${emu.url}${p}`, {
        headers: { authorization: 'Bearer t' },
      });
      return { status: res.status, body: await res.json() };
    };
    expect((await get('/api')).body.versions).toEqual(['v1']);
    const v1 = await get('/api/v1');
    expect(v1.body.resources).toContainEqual(
      expect.objectContaining({
        name: 'namespaces',
        kind: 'Namespace',
        namespaced: false,
      }),
    );
    expect((await get('/apis')).body.groups.map((g: any) => g.name)).toContain(
      'operator.victoriametrics.com',
    );
    const op = await get('/apis/operator.victoriametrics.com/v1beta1');
    expect(op.body.resources).toContainEqual(
      expect.objectContaining({
        name: 'vmclusters',
        kind: 'VMCluster',
        namespaced: true,
        verbs: expect.arrayContaining(['patch', 'get', 'list']),
      }),
    );
    expect((await get('/apis/external-secrets.io/v1beta1')).status).toBe(404);
    const anon = await fetch(`${emu.url}/api`);
    expect(anon.status).toBe(401);
  });

  it('creates with server-side apply, sets server metadata and keeps the resourceVersion on a no-op', async () => {
    const created: any = await apply(ns);
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata.creationTimestamp).toBeDefined();
    const again: any = await apply(ns);
    expect(again.metadata.resourceVersion).toBe(
      created.metadata.resourceVersion,
    );
    expect(again.metadata.uid).toBe(created.metadata.uid);
    const req = emu.requests.find(r => r.method === 'PATCH')!;
    expect(req.contentType).toBe('application/apply-patch+yaml');
    expect(req.query.fieldManager).toBe('m');
  });

  it('answers NotFound for a namespaced object in a missing namespace, and for a missing object', async () => {
    expect(await code(apply(cm({ a: '1' })))).toBe(404);
    expect(await body(apply(cm({ a: '1' })))).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
      details: { name: 'monitoring', kind: 'namespaces' },
    });
    await apply(ns);
    expect(
      await code(
        client.read({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'c', namespace: 'monitoring' },
        }),
      ),
    ).toBe(404);
  });

  it('does not store dry-run applies', async () => {
    await apply(ns);
    const res: any = await apply(vmcluster, 'm', { dryRun: true });
    expect(res.metadata.uid).toBeDefined();
    expect(
      emu.get(vmcluster.apiVersion, 'VMCluster', 'monitoring', 'hub'),
    ).toBeUndefined();
  });

  it('tracks field managers: conflicts unless forced, shared equal values, removal of dropped fields', async () => {
    await apply(ns);
    await apply(cm({ a: '1', b: '2' }), 'one');
    expect(await apply(cm({ a: '1' }), 'two')).toBeDefined(); // same value: shared
    const conflict = await body(apply(cm({ b: '3' }), 'two'));
    expect(conflict).toMatchObject({
      reason: 'Conflict',
      code: 409,
      details: {
        causes: [{ message: 'conflict with "one"', field: '.data.b' }],
      },
    });
    const forced: any = await apply(cm({ a: '1', b: '3' }), 'two', {
      force: true,
    });
    expect(forced.data).toEqual({ a: '1', b: '3' });
    // "one" drops everything: "two" still owns a and b.
    const { data: _data, ...withoutData } = cm({});
    const dropped: any = await apply(withoutData, 'one');
    expect(dropped.data).toEqual({ a: '1', b: '3' });
    const two: any = await apply(cm({ a: '1' }), 'two');
    expect(two.data).toEqual({ a: '1' });
    expect(two.metadata.managedFields.map((m: any) => m.manager)).toEqual([
      'two',
    ]);
    expect(two.metadata.managedFields[0].fieldsV1).toEqual({
      'f:data': { 'f:a': {} },
    });
  });

  it('lists collections, sets status and fails the N-th request', async () => {
    await apply(ns);
    await apply(vmcluster);
    const list = await client.list(
      vmcluster.apiVersion,
      'VMCluster',
      'monitoring',
    );
    expect(list.items.map(i => i.metadata?.name)).toEqual(['hub']);
    emu.setStatus(vmcluster.apiVersion, 'VMCluster', 'monitoring', 'hub', {
      updateStatus: 'operational',
    });
    const live: any = await client.read({
      apiVersion: vmcluster.apiVersion,
      kind: 'VMCluster',
      metadata: { name: 'hub', namespace: 'monitoring' },
    });
    expect(live.status.updateStatus).toBe('operational');
    emu.failRequest(2);
    expect(await code(apply(vmcluster))).toBe(200);
    expect(await code(apply(vmcluster))).toBe(500);
    expect(await code(apply(vmcluster))).toBe(200);
  });

  it('rejects non-apply patches and applies without a field manager', async () => {
    await apply(ns);
    expect(
      await code(
        client.patch(
          ns,
          undefined,
          undefined,
          'm',
          undefined,
          PatchStrategy.MergePatch,
        ),
      ),
    ).toBe(415);
    expect(
      await code(
        client.patch(
          ns,
          undefined,
          undefined,
          undefined,
          undefined,
          PatchStrategy.ServerSideApply,
        ),
      ),
    ).toBe(422);
  });

  it('serves a CRD group once it is installed', async () => {
    const bare = await KubeEmulator.start();
    try {
      const c = KubernetesObjectApi.makeApiClient(bare.kubeConfig());
      await c.patch(
        ns,
        undefined,
        undefined,
        'm',
        false,
        PatchStrategy.ServerSideApply,
      );
      await expect(
        c.patch(
          vmcluster,
          undefined,
          undefined,
          'm',
          false,
          PatchStrategy.ServerSideApply,
        ),
      ).rejects.toThrow(/Failed to fetch resource metadata/);
      bare.installResources(OPERATOR_RESOURCES);
      await expect(
        c.patch(
          vmcluster,
          undefined,
          undefined,
          'm',
          false,
          PatchStrategy.ServerSideApply,
        ),
      ).resolves.toBeDefined();
    } finally {
      await bare.close();
    }
  });
});

describe('KubeEmulator request limits and credentials', () => {
  let emu: KubeEmulator;
  beforeEach(async () => {
    emu = await KubeEmulator.start();
  });
  afterEach(() => emu.close());

  const patchPath = '/api/v1/namespaces/monitoring';
  const applyHeaders = { 'content-type': 'application/apply-patch+yaml' };

  interface Exchange {
    status?: number;
    body?: any;
    /** Body bytes the client managed to hand to the socket before the answer (or the close). */
    sent: number;
    error?: string;
  }

  /**
   * Sends headers, then `bodyBytes` of body in 64 KiB pieces as fast as the emulator reads them,
   * stopping as soon as an answer arrives. `bodyBytes: 0` sends no body at all, whatever the
   * declared length: an emulator that waits for one never answers (timeout).
   */
  function exchange(opts: {
    headers: Record<string, string | number>;
    bodyBytes: number;
    timeoutMs?: number;
  }): Promise<Exchange> {
    const { port } = new URL(emu.url);
    return new Promise(resolve => {
      const result: Exchange = { sent: 0 };
      let done = false;
      // Both set below (finish() needs them, they need finish()); nothing calls it before.
      // eslint-disable-next-line prefer-const -- assigned once, after finish() is defined
      let timer: NodeJS.Timeout | undefined;
      // eslint-disable-next-line prefer-const -- assigned once, after finish() is defined
      let req!: http.ClientRequest;
      const finish = (error?: string) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        req.destroy();
        resolve({ ...result, error });
      };
      timer = setTimeout(() => finish('timeout'), opts.timeoutMs ?? 3000);
      // keep-alive like Kubernetes clients: a client that asks for `Connection: close` is cut
      // off as soon as it is answered, and may see the reset before the answer.
      const headers = { connection: 'keep-alive', ...opts.headers };
      req = http.request(
        {
          host: '127.0.0.1',
          port,
          method: 'PATCH',
          path: `${patchPath}?fieldManager=m`,
          headers,
          agent: false,
        },
        res => {
          result.status = res.statusCode;
          const chunks: Buffer[] = [];
          res.on('data', c => chunks.push(c));
          res.on('end', () => {
            result.body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            finish();
          });
        },
      );
      req.on('error', e =>
        finish((e as NodeJS.ErrnoException).code ?? String(e)),
      );
      req.flushHeaders();
      const piece = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (!done && result.sent < opts.bodyBytes) {
          const n = Math.min(piece.length, opts.bodyBytes - result.sent);
          result.sent += n;
          if (!req.write(piece.subarray(0, n))) {
            req.once('drain', pump);
            return;
          }
        }
        if (!done && opts.bodyBytes > 0) req.end();
      };
      pump();
    });
  }

  it('answers 401 to a request without the token before reading its body', async () => {
    // Declares 200 MiB and sends none of it: only an emulator that does not wait for it answers.
    for (const authorization of [
      undefined,
      'Bearer wrong',
      'Bearer t2',
      'Bearer ',
      'bearer t',
    ]) {
      const headers: Record<string, string | number> = {
        ...applyHeaders,
        'content-length': 200 * 1024 * 1024,
      };
      if (authorization !== undefined) headers.authorization = authorization;
      const res = await exchange({ headers, bodyBytes: 0 });
      expect({
        authorization,
        status: res.status,
        reason: res.body?.reason,
      }).toEqual({ authorization, status: 401, reason: 'Unauthorized' });
    }
  });

  it("accepts each of its tokens (the Kubernetes plugin's and apply's own) and no other", async () => {
    const two = await KubeEmulator.start({
      token: 'plugin-token',
      extraTokens: ['apply-token'],
    });
    try {
      const status = async (token: string) =>
        (
          await fetch(`${two.url}/api/v1/namespaces`, {
            headers: { authorization: `Bearer ${token}` },
          })
        ).status;
      expect([
        await status('plugin-token'),
        await status('apply-token'),
        await status('apply-toke'),
        await status('t'),
      ]).toEqual([200, 200, 401, 401]);
    } finally {
      await two.close();
    }
  });

  it('answers 413 RequestEntityTooLarge, without reading, to a declared body over 3 MiB', async () => {
    const res = await exchange({
      headers: {
        ...applyHeaders,
        authorization: 'Bearer t',
        'content-length': MAX_REQUEST_BODY_BYTES + 1,
      },
      bodyBytes: 0,
    });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `Request entity too large: limit is ${3 * 1024 * 1024}`,
      reason: 'RequestEntityTooLarge',
      code: 413,
    });
  });

  it('stops reading a chunked body once it passes 3 MiB', async () => {
    const offered = 64 * 1024 * 1024;
    const res = await exchange({
      headers: { ...applyHeaders, authorization: 'Bearer t' },
      bodyBytes: offered,
      timeoutMs: 10000,
    });
    expect(res.error === undefined ? res.status : res.error).toBe(413);
    expect(res.body.reason).toBe('RequestEntityTooLarge');
    // An emulator that read on would have taken all 64 MiB before answering.
    expect(res.sent).toBeLessThan(offered / 2);
  });

  it('still applies a body just under the limit', async () => {
    const client = KubernetesObjectApi.makeApiClient(emu.kubeConfig());
    const ssa = (obj: any) =>
      client.patch(
        obj,
        undefined,
        undefined,
        'm',
        undefined,
        PatchStrategy.ServerSideApply,
      );
    await ssa(ns);
    const big = cm({ blob: 'x'.repeat(MAX_REQUEST_BODY_BYTES - 4096) });
    const applied: any = await ssa(big);
    expect(applied.data.blob).toHaveLength(MAX_REQUEST_BODY_BYTES - 4096);
  });

  /** The status line's code for a GET /api sent byte for byte (header bytes as given, latin1). */
  function rawGetStatus(authorization: string): Promise<number> {
    const { port } = new URL(emu.url);
    const head = `GET /api HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${authorization}\r\nConnection: close\r\n\r\n`;
    return new Promise((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1', () =>
        socket.write(Buffer.from(head, 'latin1')),
      );
      let answer = '';
      socket.on('data', c => {
        answer += c.toString('latin1');
      });
      socket.on('end', () =>
        resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(answer)?.[1])),
      );
      socket.on('error', reject);
    });
  }

  it('compares the Authorization header in constant time, over bytes', async () => {
    const compare = jest.spyOn(crypto, 'timingSafeEqual');
    try {
      expect(await rawGetStatus('Bearer t')).toBe(200);
      expect(compare).toHaveBeenCalled();
      // As many characters as `Bearer t` (the server reads header bytes as latin1), one more
      // byte in UTF-8: refused, not a 500 from comparing buffers of different lengths.
      expect(await rawGetStatus('Bearer \u00e9')).toBe(401);
      expect(await rawGetStatus('Bearer tt')).toBe(401);
    } finally {
      compare.mockRestore();
    }
  });

  it('refuses to start with an empty token', async () => {
    await expect(KubeEmulator.start({ token: '' })).rejects.toThrow(
      /token must not be empty/,
    );
  });
});

describe('main.ts (the emulator as a process)', () => {
  it('exits with a message naming the token file when the file is empty', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-emulator-'));
    try {
      const tokenFile = path.join(dir, 'token');
      fs.writeFileSync(tokenFile, '\n');
      const run = spawnSync(
        process.execPath,
        [
          '--require',
          require.resolve('@backstage/cli/config/nodeTransform.cjs'),
          path.join(__dirname, 'main.ts'),
          '--port',
          '0',
          '--token-file',
          tokenFile,
        ],
        { encoding: 'utf8', timeout: 30000 },
      );
      expect(run.signal).toBeNull(); // did not keep running until the timeout
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`${tokenFile} is empty`);
      expect(run.stdout).not.toContain('Kubernetes API emulator on');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 40000);
});
