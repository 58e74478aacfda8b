import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '@backstage/errors';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { parse } from 'yaml';
import {
  exampleInput,
  expectDocumentedAction,
  listFiles,
  mockContext,
} from '../__testUtils__/actions';
import { createHubRenderAction } from './hubRender';
import { examples } from './hubRender.examples';
import { testAuthorization } from '../__testUtils__/authorization';

let breakVMCluster = false;
jest.mock('@hubspoke/backstage-plugin-monitoring-manifests', () => {
  const actual = jest.requireActual(
    '@hubspoke/backstage-plugin-monitoring-manifests',
  );
  return {
    ...actual,
    buildHub: (input: unknown) => {
      const result = actual.buildHub(input);
      if (breakVMCluster) {
        result.objects.find(
          (o: any) => o.kind === 'VMCluster',
        ).spec.vmstorage.replicaCount = 'two';
      }
      return result;
    },
  };
});

describe('monitoring:hub:render', () => {
  const mockDir = createMockDirectory();
  const action = createHubRenderAction({
    authorization: testAuthorization().authorization,
  });

  beforeEach(() => {
    mockDir.clear();
    breakVMCluster = false;
  });

  // eslint-disable-next-line jest/expect-expect -- asserts in expectDocumentedAction
  it('describes every input and output field', () => {
    expectDocumentedAction(action, 'monitoring:hub:render');
  });

  /** Runs an example's step and checks what every example writes, whatever its secret strategy. */
  async function runExample(example: string) {
    const input = exampleInput(example);
    const workspace = mockDir.resolve('workspace');
    const { ctx, outputs, logged } = mockContext(workspace, input);
    await action.handler(ctx);

    const outputPath = input.outputPath ?? 'hub';
    const written = listFiles(workspace);
    const manifests = written.filter(
      f => f.endsWith('.yaml') && !f.endsWith('/kustomization.yaml'),
    );
    expect(outputs.path).toBe(outputPath);
    expect(outputs.files).toEqual(manifests.sort());
    expect(outputs.objectCount).toBe(manifests.length);
    expect(manifests.every(f => f.startsWith(`${outputPath}/`))).toBe(true);

    const docs = manifests.map(f =>
      parse(fs.readFileSync(path.join(workspace, f), 'utf8')),
    );
    const kinds = docs.map(d => d.kind);
    expect(kinds[0]).toBe('Namespace');
    expect(kinds).toEqual(
      expect.arrayContaining(['VMCluster', 'VMAuth', 'VMAlert', 'Deployment']),
    );
    const cluster = docs.find(d => d.kind === 'VMCluster');
    expect(cluster.metadata.name).toBe(input.name);
    expect(cluster.spec.retentionPeriod).toBe(input.retention ?? '15d');
    // One log line per object.
    for (const d of docs) {
      expect(
        logged.some(l =>
          l.includes(`${d.kind}/${d.metadata.namespace ?? d.metadata.name}`),
        ),
      ).toBe(true);
    }
    return { input, outputPath, outputs, written, kinds };
  }

  const usesKubernetesSecrets = (example: string) =>
    (parse(example).steps[0].input.secretStrategy ?? 'kubernetes') ===
    'kubernetes';

  it.each(
    examples
      .filter(e => usesKubernetesSecrets(e.example))
      .map(e => [e.description, e.example]),
  )('runs the example: %s', async (_d, example) => {
    const { input, outputPath, outputs, written } = await runExample(example);
    expect(written).toContain(
      `${outputPath}/.monitoring/secret-requirements.json`,
    );
    expect(outputs.secrets.map((s: any) => s.name)).toContain(
      `${input.name}-grafana-database`,
    );
  });

  it.each(
    examples
      .filter(e => !usesKubernetesSecrets(e.example))
      .map(e => [e.description, e.example]),
  )('runs the example: %s', async (_d, example) => {
    const { outputs, kinds } = await runExample(example);
    expect(outputs.secrets).toEqual([]);
    expect(kinds).toContain('ExternalSecret');
  });

  it('writes a folder GitOps tools apply as it is: only objects, a kustomization listing them, the rest in .monitoring/', async () => {
    const workspace = mockDir.resolve('workspace');
    const { ctx, outputs } = mockContext(
      workspace,
      exampleInput(examples[0].example),
    );
    await action.handler(ctx);
    const dir = path.join(workspace, outputs.path);
    const direct = fs
      .readdirSync(dir, { withFileTypes: true })
      .filter(e => e.isFile())
      .map(e => e.name)
      .sort();
    // What `kubectl apply -f <folder>` decodes: every file directly in it is a Kubernetes object.
    for (const name of direct) {
      const doc = parse(fs.readFileSync(path.join(dir, name), 'utf8'));
      expect({
        name,
        apiVersion: typeof doc.apiVersion,
        kind: typeof doc.kind,
      }).toEqual({ name, apiVersion: 'string', kind: 'string' });
    }
    const kustomization = parse(
      fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8'),
    );
    expect(kustomization).toMatchObject({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
    });
    // It lists every object in apply order (the Namespace first), and nothing else.
    expect(kustomization.resources).toEqual(
      outputs.files.map((f: string) => path.basename(f)),
    );
    expect([...kustomization.resources].sort()).toEqual(
      direct.filter(n => n !== 'kustomization.yaml'),
    );
    expect(fs.readdirSync(path.join(dir, '.monitoring')).sort()).toEqual([
      'render.json',
      'secret-requirements.json',
    ]);
  });

  it('renders in a dry run too (into the dry-run workspace)', async () => {
    const workspace = mockDir.resolve('dry');
    const { ctx, outputs, logged } = mockContext(
      workspace,
      exampleInput(examples[0].example),
      true,
    );
    await action.handler(ctx);
    expect(outputs.objectCount).toBeGreaterThan(20);
    expect(logged.some(l => l.includes('[dry run]'))).toBe(true);
    expect(listFiles(workspace).length).toBeGreaterThan(20);
  });

  it('rejects bad input with an InputError and writes nothing', async () => {
    const workspace = mockDir.resolve('bad-input');
    const { ctx } = mockContext(workspace, {
      name: 'Hub',
      storageClass: 'gp3',
      grafanaDomain: 'g.example.com',
    });
    await expect(action.handler(ctx)).rejects.toThrow(InputError);
    expect(listFiles(workspace)).toEqual([]);
  });

  it('fails on an invalid rendered object, naming it, before writing anything', async () => {
    breakVMCluster = true;
    const workspace = mockDir.resolve('broken');
    const { ctx } = mockContext(workspace, exampleInput(examples[0].example));
    const run = action.handler(ctx);
    await expect(run).rejects.toThrow(InputError);
    await expect(run).rejects.toThrow(
      'Invalid VMCluster/monitoring/hub: spec.vmstorage.replicaCount: must be integer',
    );
    expect(listFiles(workspace)).toEqual([]);
  });
});
