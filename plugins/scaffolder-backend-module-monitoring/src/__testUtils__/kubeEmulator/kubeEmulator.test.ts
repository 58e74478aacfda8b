import { KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import { CORE_RESOURCES, KubeEmulator, OPERATOR_RESOURCES } from '.';

const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'monitoring' } };
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
  const apply = (obj: any, manager = 'm', opts: { dryRun?: boolean; force?: boolean } = {}) =>
    client.patch(obj, undefined, opts.dryRun ? 'All' : undefined, manager, opts.force, PatchStrategy.ServerSideApply);
  const code = (p: Promise<unknown>) => p.then(() => 200, (e: any) => e.code);
  // The client hands the Status body over as a string.
  const body = (p: Promise<unknown>) =>
    p.then(() => undefined, (e: any) => (typeof e.body === 'string' ? JSON.parse(e.body) : e.body));

  beforeEach(async () => {
    emu = await KubeEmulator.start({ resources: [...CORE_RESOURCES, ...OPERATOR_RESOURCES] });
    client = KubernetesObjectApi.makeApiClient(emu.kubeConfig());
  });
  afterEach(() => emu.close());

  it('serves discovery for installed resources only', async () => {
    const get = async (p: string) => {
      const res = await fetch(`${emu.url}${p}`, { headers: { authorization: 'Bearer t' } });
      return { status: res.status, body: await res.json() };
    };
    expect((await get('/api')).body.versions).toEqual(['v1']);
    const v1 = await get('/api/v1');
    expect(v1.body.resources).toContainEqual(expect.objectContaining({ name: 'namespaces', kind: 'Namespace', namespaced: false }));
    expect((await get('/apis')).body.groups.map((g: any) => g.name)).toContain('operator.victoriametrics.com');
    const op = await get('/apis/operator.victoriametrics.com/v1beta1');
    expect(op.body.resources).toContainEqual(expect.objectContaining({ name: 'vmclusters', kind: 'VMCluster', namespaced: true, verbs: expect.arrayContaining(['patch', 'get', 'list']) }));
    expect((await get('/apis/external-secrets.io/v1beta1')).status).toBe(404);
    const anon = await fetch(`${emu.url}/api`);
    expect(anon.status).toBe(401);
  });

  it('creates with server-side apply, sets server metadata and keeps the resourceVersion on a no-op', async () => {
    const created: any = await apply(ns);
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata.creationTimestamp).toBeDefined();
    const again: any = await apply(ns);
    expect(again.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    expect(again.metadata.uid).toBe(created.metadata.uid);
    const req = emu.requests.find(r => r.method === 'PATCH')!;
    expect(req.contentType).toBe('application/apply-patch+yaml');
    expect(req.query.fieldManager).toBe('m');
  });

  it('answers NotFound for a namespaced object in a missing namespace, and for a missing object', async () => {
    expect(await code(apply(cm({ a: '1' })))).toBe(404);
    expect((await body(apply(cm({ a: '1' }))))).toMatchObject({ kind: 'Status', reason: 'NotFound', details: { name: 'monitoring', kind: 'namespaces' } });
    await apply(ns);
    expect(await code(client.read({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'monitoring' } }))).toBe(404);
  });

  it('does not store dry-run applies', async () => {
    await apply(ns);
    const res: any = await apply(vmcluster, 'm', { dryRun: true });
    expect(res.metadata.uid).toBeDefined();
    expect(emu.get(vmcluster.apiVersion, 'VMCluster', 'monitoring', 'hub')).toBeUndefined();
  });

  it('tracks field managers: conflicts unless forced, shared equal values, removal of dropped fields', async () => {
    await apply(ns);
    await apply(cm({ a: '1', b: '2' }), 'one');
    expect(await apply(cm({ a: '1' }), 'two')).toBeDefined(); // same value: shared
    const conflict = await body(apply(cm({ b: '3' }), 'two'));
    expect(conflict).toMatchObject({ reason: 'Conflict', code: 409, details: { causes: [{ message: 'conflict with "one"', field: '.data.b' }] } });
    const forced: any = await apply(cm({ a: '1', b: '3' }), 'two', { force: true });
    expect(forced.data).toEqual({ a: '1', b: '3' });
    // "one" drops everything: "two" still owns a and b.
    const { data: _data, ...withoutData } = cm({});
    const dropped: any = await apply(withoutData, 'one');
    expect(dropped.data).toEqual({ a: '1', b: '3' });
    const two: any = await apply(cm({ a: '1' }), 'two');
    expect(two.data).toEqual({ a: '1' });
    expect(two.metadata.managedFields.map((m: any) => m.manager)).toEqual(['two']);
    expect(two.metadata.managedFields[0].fieldsV1).toEqual({ 'f:data': { 'f:a': {} } });
  });

  it('lists collections, sets status and fails the N-th request', async () => {
    await apply(ns);
    await apply(vmcluster);
    const list = await client.list(vmcluster.apiVersion, 'VMCluster', 'monitoring');
    expect(list.items.map(i => i.metadata?.name)).toEqual(['hub']);
    emu.setStatus(vmcluster.apiVersion, 'VMCluster', 'monitoring', 'hub', { updateStatus: 'operational' });
    const live: any = await client.read({ apiVersion: vmcluster.apiVersion, kind: 'VMCluster', metadata: { name: 'hub', namespace: 'monitoring' } });
    expect(live.status.updateStatus).toBe('operational');
    emu.failRequest(2);
    expect(await code(apply(vmcluster))).toBe(200);
    expect(await code(apply(vmcluster))).toBe(500);
    expect(await code(apply(vmcluster))).toBe(200);
  });

  it('rejects non-apply patches and applies without a field manager', async () => {
    await apply(ns);
    expect(await code(client.patch(ns, undefined, undefined, 'm', undefined, PatchStrategy.MergePatch))).toBe(415);
    expect(await code(client.patch(ns, undefined, undefined, undefined, undefined, PatchStrategy.ServerSideApply))).toBe(422);
  });

  it('serves a CRD group once it is installed', async () => {
    const bare = await KubeEmulator.start();
    try {
      const c = KubernetesObjectApi.makeApiClient(bare.kubeConfig());
      await c.patch(ns, undefined, undefined, 'm', false, PatchStrategy.ServerSideApply);
      await expect(c.patch(vmcluster, undefined, undefined, 'm', false, PatchStrategy.ServerSideApply)).rejects.toThrow(/Failed to fetch resource metadata/);
      bare.installResources(OPERATOR_RESOURCES);
      await expect(c.patch(vmcluster, undefined, undefined, 'm', false, PatchStrategy.ServerSideApply)).resolves.toBeDefined();
    } finally {
      await bare.close();
    }
  });
});
