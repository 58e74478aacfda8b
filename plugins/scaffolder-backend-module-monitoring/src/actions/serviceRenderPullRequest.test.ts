/**
 * `monitoring:service:render` with `pullRequest`: the component's own descriptor is read through
 * Backstage's URL reader, the annotations merged into it, and it is laid out with the VMRule as
 * the component's repository for publish:github:pull-request or monitoring:gitea:pull-request.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { parseAllDocuments } from 'yaml';
import { listFiles, mockContext } from '../__testUtils__/actions';
import { testAuthorization } from '../__testUtils__/authorization';
import { createServiceRenderAction } from './serviceRender';

const LOCATION =
  'https://github.com/acme/shop/blob/main/services/payments/catalog-info.yaml';
const DESCRIPTOR = `# Payments: owned by team-shop.
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: payments
spec:
  type: service
  owner: team-shop
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: payments-api
spec:
  type: openapi
`;

/** payments as catalog:fetch returns it when registered from that GitHub file. */
const fetched = (location: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    namespace: 'default',
    uid: 'c0ffee00-0000-4000-8000-000000000000',
    annotations: { 'backstage.io/managed-by-location': `url:${location}` },
  },
  spec: { type: 'service', owner: 'team-shop' },
});

describe('monitoring:service:render with pullRequest', () => {
  const mockDir = createMockDirectory();
  const reads: string[] = [];
  const urlReader = {
    readUrl: async (url: string) => {
      reads.push(url);
      return { buffer: async () => Buffer.from(DESCRIPTOR) } as any;
    },
  } as any;
  /** The action over a catalog that serves payments as `entity` (one Gitea in integrations). */
  const actionWith = (entity: Entity) =>
    createServiceRenderAction({
      urlReader,
      authorization: testAuthorization({ entities: [entity] }).authorization,
      integrations: ScmIntegrations.fromConfig(
        new ConfigReader({
          integrations: {
            gitea: [
              { host: '127.0.0.1:3300', baseUrl: 'http://127.0.0.1:3300' },
            ],
          },
        }),
      ),
    });

  beforeEach(() => {
    mockDir.clear();
    reads.length = 0;
  });

  it('lays out the merged descriptor and the VMRule as the repository, and says where to send them', async () => {
    const workspace = mockDir.resolve('workspace');
    const { ctx, outputs } = mockContext(workspace, {
      entityRef: 'component:default/payments',
      defaultKubernetesId: 'payments',
      pullRequest: true,
    });
    await actionWith(fetched(LOCATION)).handler(ctx);

    expect(reads).toEqual([LOCATION]);
    expect(outputs.pullRequest).toEqual({
      provider: 'github',
      repoUrl: 'github.com?owner=acme&repo=shop',
      branch: 'main',
      descriptorPath: 'services/payments/catalog-info.yaml',
      path: 'pull-request',
    });
    expect(listFiles(workspace).sort()).toEqual([
      'pull-request/monitoring/.monitoring/render.json',
      `pull-request/monitoring/001-vmrule-${outputs.ruleName}.yaml`,
      'pull-request/monitoring/kustomization.yaml',
      'pull-request/services/payments/catalog-info.yaml',
    ]);
    expect(outputs.ruleName).toMatch(/^payments-alerts-[0-9a-f]{6}$/);
    const merged = fs.readFileSync(
      path.join(workspace, 'pull-request/services/payments/catalog-info.yaml'),
      'utf8',
    );
    const [component, api] = parseAllDocuments(merged).map(d => d.toJS());
    // Only what the action sets is added: not the catalog's managed-by annotations.
    expect(component.metadata.annotations).toEqual({
      'backstage.io/kubernetes-id': 'payments',
    });
    expect(api.metadata.name).toBe('payments-api');
    expect(merged.startsWith('# Payments: owned by team-shop.')).toBe(true);
  });

  it('finds a descriptor on a Gitea host of integrations.gitea: the pull request goes there', async () => {
    const workspace = mockDir.resolve('gitea');
    const location =
      'http://127.0.0.1:3300/team-shop/shop/src/branch/main/services/payments/catalog-info.yaml';
    const { ctx, outputs } = mockContext(workspace, {
      entityRef: 'component:default/payments',
      defaultKubernetesId: 'payments',
      pullRequest: true,
    });
    await actionWith(fetched(location)).handler(ctx);
    expect(reads).toEqual([location]);
    expect(outputs.pullRequest).toEqual({
      provider: 'gitea',
      repoUrl: '127.0.0.1:3300?owner=team-shop&repo=shop',
      branch: 'main',
      descriptorPath: 'services/payments/catalog-info.yaml',
      path: 'pull-request',
    });
    expect(listFiles(workspace)).toContain(
      'pull-request/services/payments/catalog-info.yaml',
    );
  });

  it('refuses a component not registered from a GitHub or Gitea file, writing nothing', async () => {
    const workspace = mockDir.resolve('file');
    const entity = {
      ...fetched(''),
      metadata: {
        ...fetched('').metadata,
        annotations: {
          'backstage.io/managed-by-location':
            'file:/srv/backstage/examples/all.yaml',
        },
      },
    };
    const { ctx } = mockContext(workspace, {
      entityRef: 'component:default/payments',
      defaultKubernetesId: 'payments',
      pullRequest: true,
    });
    const run = actionWith(entity).handler(ctx);
    await expect(run).rejects.toThrow(InputError);
    await expect(run).rejects.toThrow(
      'A pull request needs the component registered from a file in a github.com repository or on a Gitea host of integrations.gitea (127.0.0.1:3300)',
    );
    expect(reads).toEqual([]);
    expect(listFiles(workspace)).toEqual([]);
  });

  it('refuses an outputPath holding the descriptor: the rendered folder keeps only Kubernetes objects', async () => {
    const workspace = mockDir.resolve('inside');
    const location =
      'https://github.com/acme/shop/blob/main/monitoring/catalog-info.yaml';
    const { ctx } = mockContext(workspace, {
      entityRef: 'component:default/payments',
      defaultKubernetesId: 'payments',
      pullRequest: true,
    });
    const run = actionWith(fetched(location)).handler(ctx);
    await expect(run).rejects.toThrow(InputError);
    await expect(run).rejects.toThrow(
      'outputPath "monitoring" holds the component\'s descriptor monitoring/catalog-info.yaml',
    );
    expect(reads).toEqual([]);
    expect(listFiles(workspace)).toEqual([]);
  });
});
