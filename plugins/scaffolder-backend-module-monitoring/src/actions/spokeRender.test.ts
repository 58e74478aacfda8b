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
import { createSpokeRenderAction } from './spokeRender';
import { examples } from './spokeRender.examples';
import { testAuthorization } from '../__testUtils__/authorization';

describe('monitoring:spoke:render', () => {
  const mockDir = createMockDirectory();
  const action = createSpokeRenderAction({
    authorization: testAuthorization().authorization,
  });

  beforeEach(() => mockDir.clear());

  // eslint-disable-next-line jest/expect-expect -- asserts in expectDocumentedAction
  it('describes every input and output field', () => {
    expectDocumentedAction(action, 'monitoring:spoke:render');
  });

  /** Runs an example's step and checks what every example writes, whatever its secret strategy. */
  async function runExample(example: string) {
    const input = exampleInput(example);
    const workspace = mockDir.resolve('workspace');
    const { ctx, outputs, logged } = mockContext(workspace, input);
    await action.handler(ctx);

    const outputPath = input.outputPath ?? `spokes/${input.clusterName}`;
    const manifests = listFiles(workspace).filter(
      f => f.endsWith('.yaml') && !f.endsWith('/kustomization.yaml'),
    );
    expect(outputs.path).toBe(outputPath);
    expect([...outputs.files].sort()).toEqual(manifests.sort());
    expect(outputs.objectCount).toBe(manifests.length);

    const read = (f: string) =>
      parse(fs.readFileSync(path.join(workspace, f), 'utf8'));
    const spokeSide = manifests
      .filter(f => !f.startsWith(`${outputPath}/hub-side/`))
      .map(read);
    const hubSide = manifests
      .filter(f => f.startsWith(`${outputPath}/hub-side/`))
      .map(read);

    const agent = spokeSide.find(d => d.kind === 'VMAgent');
    expect(agent.spec.remoteWriteSettings.label).toEqual({
      cluster: input.clusterName,
      environment: input.environment,
    });
    expect(agent.spec.remoteWrite[0].url).toBe(
      `${input.hubUrl}/insert/0/prometheus/api/v1/write`,
    );
    expect(agent.spec.scrapeInterval).toBe(input.scrapeInterval ?? '30s');
    const user = hubSide.find(d => d.kind === 'VMUser');
    expect(user.spec.username).toBe(`spoke-${input.clusterName}`);
    expect(user.metadata.namespace).toBe(input.hubNamespace ?? 'monitoring');
    expect(
      logged.some(l =>
        l.includes(`VMUser/${user.metadata.namespace}/${user.metadata.name}`),
      ),
    ).toBe(true);
    return { input, outputs, spokeSide, hubSide };
  }

  const usesExternalSecrets = (example: string) =>
    parse(example).steps[0].input.secretStrategy === 'external-secrets';

  it.each(
    examples
      .filter(e => usesExternalSecrets(e.example))
      .map(e => [e.description, e.example]),
  )('runs the example: %s', async (_d, example) => {
    const { outputs, spokeSide, hubSide } = await runExample(example);
    expect(spokeSide.map(d => d.kind)).toContain('ExternalSecret');
    expect(hubSide.map(d => d.kind)).toContain('ExternalSecret');
    expect(outputs.secrets).toEqual([]);
  });

  it.each(
    examples
      .filter(e => !usesExternalSecrets(e.example))
      .map(e => [e.description, e.example]),
  )('runs the example: %s', async (_d, example) => {
    const { input, outputs } = await runExample(example);
    expect(outputs.secrets.map((s: any) => `${s.cluster}:${s.name}`)).toEqual([
      'spoke:vmagent-remote-write',
      `hub:hub-vmuser-spoke-${input.clusterName}`,
    ]);
  });

  it.each([
    [{ hubUrl: 'http://vmauth.example.com' }, 'hubUrl: must use https'],
    [{ environment: 'Prod' }, 'environment: must match'],
    [
      { clusterName: 'prod_1' },
      'clusterName: clusterName must be lowercase letters',
    ],
    [{ storageClass: undefined }, 'storageClass: storageClass is required'],
  ])(
    'rejects %o with an InputError and writes nothing',
    async (patch, message) => {
      const workspace = mockDir.resolve('bad');
      const input = { ...exampleInput(examples[0].example), ...patch };
      const { ctx } = mockContext(workspace, input);
      const run = action.handler(ctx);
      await expect(run).rejects.toThrow(InputError);
      await expect(run).rejects.toThrow(message);
      expect(listFiles(workspace)).toEqual([]);
    },
  );
});
