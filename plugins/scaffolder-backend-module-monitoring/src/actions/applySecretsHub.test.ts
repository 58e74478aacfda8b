/**
 * `monitoring:apply` with the `kubernetes` secret strategy, for the hub (a real cluster): the
 * operator-provided values from the template's secrets, generated passwords, values already in
 * the cluster, and the inputs refused before anything is applied.
 */
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '@backstage/errors';
import { createMockDirectory } from '@backstage/backend-test-utils';
import {
  startTestKubeCluster,
  TestKubeCluster,
} from '@internal/monitoring-local-stack';
import { mockContext } from '../__testUtils__/actions';
import {
  auditFrom,
  CLUSTER_TEST_TIMEOUT_MS,
  configFor,
  fast,
  HUB_PROVIDED,
  HUB_PROVIDED_VALUES,
  listed,
  renderHub,
  renderSpoke,
  reseal,
} from '../__testUtils__/apply';
import { createApplyAction } from './apply';
import { testAuthorization } from '../__testUtils__/authorization';

jest.setTimeout(CLUSTER_TEST_TIMEOUT_MS);

/** The initiator may do anything: these tests are about apply itself. */
const allowAll = testAuthorization().authorization;

const decode = (v: string) => Buffer.from(v, 'base64').toString('utf8');

describe("monitoring:apply creates the hub's Secrets (kubernetes strategy)", () => {
  const mockDir = createMockDirectory();
  let cluster: TestKubeCluster;
  let audit: ReturnType<typeof auditFrom>;
  let workspace: string;

  beforeAll(async () => {
    cluster = await startTestKubeCluster({ name: 'infra' });
    audit = auditFrom(cluster);
  });
  afterAll(() => cluster?.stop());
  beforeEach(() => {
    mockDir.clear();
    workspace = mockDir.resolve('workspace');
    audit.reset();
  });

  const action = () =>
    createApplyAction({
      authorization: allowAll,
      // The spoke's name is the same cluster: only refusals ask for it.
      config: configFor({ infra: cluster, 'prod-eu-1': cluster }),
      pollInterval: fast,
    });
  /** Nothing was applied or dry-run (reads of the live Secrets may have happened). */
  const nothingApplied = async () => {
    expect(await audit.applies()).toEqual([]);
    expect(await audit.dryRuns()).toEqual([]);
  };

  /** Runs the action, recording every log line (any level). */
  async function run(input: Record<string, unknown>) {
    const m = mockContext(workspace, input);
    const lines: string[] = [];
    for (const level of ['warn', 'error', 'debug'] as const) {
      jest
        .spyOn(m.ctx.logger, level)
        .mockImplementation(((msg: unknown) => lines.push(String(msg))) as any);
    }
    await action().handler(m.ctx);
    return { ...m, lines: () => [...m.logged, ...lines] };
  }
  const secret = async (name: string) =>
    (await cluster.admin.read({
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: 'monitoring',
      name,
    }))!;

  it('refuses before changing anything when values only the operator has are missing', async () => {
    await renderHub(workspace);
    const { ctx } = mockContext(workspace, {
      path: 'hub',
      cluster: 'infra',
      // An empty value (an unset template secret) counts as not given.
      secretValues: [
        {
          secret: 'monitoring/hub-grafana-database',
          values: {
            host: 'pg:5432',
            database: 'grafana',
            user: 'grafana',
            password: '',
          },
        },
      ],
    });
    const p = action().handler(ctx);
    await expect(p).rejects.toThrow(InputError);
    await expect(p).rejects.toThrow(
      'These Secrets need values only the operator has: monitoring/hub-grafana-database in cluster infra (password); monitoring/hub-alertmanager in cluster infra (alertmanager.yaml)',
    );
    await nothingApplied();
    expect(
      await cluster.admin.read({
        apiVersion: 'v1',
        kind: 'Namespace',
        name: 'monitoring',
      }),
    ).toBeUndefined();
  });

  it("creates the hub's Secrets with the provided values and generated passwords", async () => {
    const rendered = await renderHub(workspace);
    const { lines } = await run({
      path: 'hub',
      cluster: 'infra',
      secretValues: HUB_PROVIDED,
    });
    const db = await secret('hub-grafana-database');
    expect(
      Object.fromEntries(
        Object.entries<string>(db.data).map(([k, v]) => [k, decode(v)]),
      ),
    ).toEqual(HUB_PROVIDED_VALUES['monitoring/hub-grafana-database']);
    const admin = await secret('hub-grafana-admin');
    expect(decode(admin.data['admin-user'])).toBe('admin');
    const portal = decode((await secret('hub-vmuser-portal')).data.password);
    const grafana = decode((await secret('hub-vmuser-grafana')).data.password);
    expect(portal).not.toBe(grafana);
    expect(await listed(cluster, 'v1', 'Secret', 'monitoring')).toHaveLength(
      rendered.secrets.length,
    );
    const log = lines().join('\n');
    for (const v of [
      portal,
      grafana,
      HUB_PROVIDED_VALUES['monitoring/hub-grafana-database'].password,
    ]) {
      expect(log).not.toContain(v);
    }
  });

  it('takes operator-provided values that already exist in the cluster', async () => {
    await renderHub(workspace);
    await run({ path: 'hub', cluster: 'infra', secretValues: HUB_PROVIDED });
    // A second run without secretValues finds them in the cluster.
    const { outputs } = await run({ path: 'hub', cluster: 'infra' });
    expect(outputs.applied.every((a: any) => a.result === 'unchanged')).toBe(
      true,
    );
  });

  it.each([
    [
      'a spoke without hubCluster',
      async () => ({
        path: (await renderSpoke(workspace)).outputPath,
        cluster: 'prod-eu-1',
      }),
      /needs Secrets on both the spoke and the hub .* set hubCluster/,
    ],
    [
      'hubCluster for a hub',
      async () => {
        await renderHub(workspace);
        return {
          path: 'hub',
          cluster: 'infra',
          hubCluster: 'infra',
          secretValues: HUB_PROVIDED,
        };
      },
      'hubCluster is set, but "hub" has no hub-side/ folder',
    ],
    [
      'secretValues for a key no Secret has',
      async () => {
        await renderHub(workspace);
        return {
          path: 'hub',
          cluster: 'infra',
          secretValues: [
            ...HUB_PROVIDED,
            { secret: 'monitoring/hub-grafana-admin', values: { token: 'x' } },
          ],
        };
      },
      'secretValues names keys no rendered Secret has: monitoring/hub-grafana-admin key token',
    ],
    [
      'secretValues for a generated key',
      async () => {
        await renderHub(workspace);
        return {
          path: 'hub',
          cluster: 'infra',
          secretValues: [
            ...HUB_PROVIDED,
            {
              secret: 'monitoring/hub-vmuser-portal',
              values: { password: 'chosen' },
            },
          ],
        };
      },
      'secretValues sets keys that are generated or fixed, not provided by the operator: monitoring/hub-vmuser-portal key password',
    ],
    [
      'a malformed secret-requirements.json',
      async () => {
        await renderHub(workspace);
        fs.writeFileSync(
          path.join(
            workspace,
            'hub',
            '.monitoring',
            'secret-requirements.json',
          ),
          '[{"cluster":"moon"}]',
        );
        reseal(path.join(workspace, 'hub'));
        return { path: 'hub', cluster: 'infra' };
      },
      /hub\/.monitoring\/secret-requirements.json: 0.cluster: Invalid enum value/,
    ],
  ])(
    'rejects %s with an InputError, applying nothing',
    async (_what, setup, message) => {
      const { ctx } = mockContext(workspace, await setup());
      const p = action().handler(ctx);
      await expect(p).rejects.toThrow(InputError);
      await expect(p).rejects.toThrow(message);
      await nothingApplied();
    },
  );
});
