/**
 * monitor-a-service's pull request path against a real Gitea (the stack's pinned binary, started
 * on a free port in a temporary folder): a component registered from a Gitea repository,
 * `monitoring:service:render` reading its descriptor through Backstage's own URL reader, and
 * `monitoring:gitea:pull-request` pushing with the scaffolder's git helpers and opening the pull
 * request. Everything is read back through Gitea's API: the pull request, its files, the
 * rendered VMRule on its branch.
 */
import fs from 'node:fs';
import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { ConflictError, InputError } from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import { startTestGitea, TestGitea } from '@internal/monitoring-local-stack';
import { setupServer } from 'msw/node';
import { parse, parseAllDocuments } from 'yaml';
import { mockContext } from '../__testUtils__/actions';
import { testAuthorization } from '../__testUtils__/authorization';
import { createGiteaPullRequestAction } from './giteaPullRequest';
import { createServiceRenderAction } from './serviceRender';

jest.setTimeout(180_000);

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
const DESCRIPTOR_PATH = 'services/payments/catalog-info.yaml';

// Backstage's jest setup refuses fetch unless something wraps it: msw does, and lets every
// request through to the real Gitea.
const server = setupServer();
let gitea: TestGitea;
let auth: string;
const mockDir = createMockDirectory();

/** Gitea's API as its admin (what a reviewer's browser would show, read back as JSON). */
async function api(method: string, apiPath: string, body?: unknown) {
  const res = await fetch(`${gitea.url}/api/v1${apiPath}`, {
    method,
    headers: {
      authorization: auth,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

/** A file's text at `ref`, through the contents API (base64). */
async function fileAt(repo: string, file: string, ref: string) {
  const res = await api(
    'GET',
    `/repos/team-platform/${repo}/contents/${file}?ref=${encodeURIComponent(ref)}`,
  );
  expect(res.status).toBe(200);
  expect(res.json.encoding).toBe('base64');
  return Buffer.from(res.json.content, 'base64').toString('utf8');
}

function integrationsConfig(password = gitea.password) {
  return new ConfigReader({
    integrations: {
      gitea: [
        {
          host: gitea.host,
          baseUrl: gitea.url,
          username: gitea.user,
          password,
        },
      ],
    },
  });
}

beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'bypass' });
  gitea = await startTestGitea({ org: 'team-platform' });
  auth = `Basic ${Buffer.from(`${gitea.user}:${gitea.password}`).toString('base64')}`;
  // The component's repository, its descriptor on main.
  const repo = await api('POST', '/orgs/team-platform/repos', {
    name: 'shop',
    auto_init: true,
    default_branch: 'main',
  });
  if (repo.status !== 201)
    throw new Error(`creating the repository: ${repo.status}`);
  const file = await api(
    'POST',
    `/repos/team-platform/shop/contents/${DESCRIPTOR_PATH}`,
    {
      content: Buffer.from(DESCRIPTOR).toString('base64'),
      message: 'Register payments',
      branch: 'main',
    },
  );
  if (file.status !== 201)
    throw new Error(`creating the descriptor: ${file.status}`);
});
afterAll(async () => {
  server.close();
  await gitea?.stop();
});

/** payments as the catalog holds it when registered from the Gitea repository. */
const registered = (): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    namespace: 'default',
    uid: 'c0ffee00-0000-4000-8000-000000000001',
    annotations: {
      'backstage.io/managed-by-location': `url:${gitea.url}/team-platform/shop/src/branch/main/${DESCRIPTOR_PATH}`,
    },
  },
  spec: { type: 'service', owner: 'team-shop' },
});

/** Renders payments' rules for a pull request into a fresh workspace (the template's step). */
async function render() {
  const config = integrationsConfig();
  const workspace = mockDir.resolve(`ws-${Date.now()}-${Math.random()}`);
  const { ctx, outputs } = mockContext(workspace, {
    entityRef: 'component:default/payments',
    defaultKubernetesId: 'payments',
    environments: ['production'],
    pullRequest: true,
  });
  await createServiceRenderAction({
    authorization: testAuthorization({ entities: [registered()] })
      .authorization,
    urlReader: UrlReaders.default({
      config,
      logger: mockServices.logger.mock(),
    }),
    integrations: ScmIntegrations.fromConfig(config),
  }).handler(ctx);
  return { workspace, outputs };
}

/** The template's pull request step on that workspace. */
async function pullRequest(
  workspace: string,
  rendered: Record<string, any>,
  opts: { update?: boolean; password?: string } = {},
) {
  const config = integrationsConfig(opts.password);
  const { ctx, outputs, logged } = mockContext(workspace, {
    repoUrl: rendered.pullRequest.repoUrl,
    targetBranchName: rendered.pullRequest.branch,
    sourcePath: rendered.pullRequest.path,
    branchName: `monitoring/${rendered.service}-alerts`,
    title: `Monitoring for ${rendered.service}: annotations and alerts`,
    description: `Adds the monitoring annotations and the VMRule ${rendered.ruleName}.`,
    commitMessage: `Monitor ${rendered.service}`,
    update: opts.update ?? true,
  });
  let n = 0;
  (ctx.createTemporaryDirectory as jest.Mock).mockImplementation(async () => {
    const dir = mockDir.resolve(`clone-${Date.now()}-${++n}`);
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  });
  await createGiteaPullRequestAction({
    integrations: ScmIntegrations.fromConfig(config),
    config,
  }).handler(ctx);
  return { outputs, logged };
}

describe('monitor-a-service on a Gitea repository', () => {
  let rendered: Record<string, any>;
  let workspace: string;
  let number: number;

  it('renders for the Gitea repository: the descriptor read through the URL reader', async () => {
    ({ workspace, outputs: rendered } = await render());
    expect(rendered.pullRequest).toEqual({
      provider: 'gitea',
      repoUrl: `${gitea.host}?owner=team-platform&repo=shop`,
      branch: 'main',
      descriptorPath: DESCRIPTOR_PATH,
      path: 'pull-request',
    });
  });

  it('opens the pull request with the rendered VMRule and the annotated descriptor', async () => {
    const { outputs, logged } = await pullRequest(workspace, rendered);
    number = outputs.pullRequestNumber;
    expect(outputs.pullRequestUrl).toBe(
      `${gitea.url}/team-platform/shop/pulls/${number}`,
    );
    expect(logged.join('\n')).not.toContain(gitea.password);

    const pr = await api('GET', `/repos/team-platform/shop/pulls/${number}`);
    expect(pr.json).toMatchObject({
      state: 'open',
      title: 'Monitoring for payments: annotations and alerts',
      head: { ref: 'monitoring/payments-alerts' },
      base: { ref: 'main' },
      html_url: outputs.pullRequestUrl,
    });
    const files = await api(
      'GET',
      `/repos/team-platform/shop/pulls/${number}/files`,
    );
    const ruleFile = `monitoring/001-vmrule-${rendered.ruleName}.yaml`;
    expect(
      files.json.map((f: any) => `${f.status} ${f.filename}`).sort(),
    ).toEqual(
      [
        `changed ${DESCRIPTOR_PATH}`,
        'added monitoring/.monitoring/render.json',
        `added ${ruleFile}`,
        'added monitoring/kustomization.yaml',
      ].sort(),
    );

    // The VMRule on the pull request's branch, as Gitea serves it.
    const rule = parse(
      await fileAt('shop', ruleFile, 'monitoring/payments-alerts'),
    );
    expect(rule.kind).toBe('VMRule');
    expect(rule.metadata.name).toBe(rendered.ruleName);
    expect(rule.spec.groups[0].rules.map((r: any) => r.alert)).toEqual([
      'ServiceErrorRatioAboveThreshold',
      'ServiceLatencyP95AboveThreshold',
    ]);
    expect(rule.spec.groups[0].rules[0].expr).toContain(
      'environment="production"',
    );
    // The descriptor: the annotation added, the comment and the other document kept.
    const descriptor = await fileAt(
      'shop',
      DESCRIPTOR_PATH,
      'monitoring/payments-alerts',
    );
    expect(descriptor.startsWith('# Payments: owned by team-shop.')).toBe(true);
    const [component, apiDoc] = parseAllDocuments(descriptor).map(d =>
      d.toJS(),
    );
    expect(component.metadata.annotations).toEqual({
      'backstage.io/kubernetes-id': 'payments',
    });
    expect(apiDoc.metadata.name).toBe('payments-api');
    // main is untouched until the pull request is merged.
    expect(await fileAt('shop', DESCRIPTOR_PATH, 'main')).toBe(DESCRIPTOR);
  });

  it('a second run with update adds a commit to the branch and answers with the same pull request', async () => {
    const before = await api(
      'GET',
      '/repos/team-platform/shop/branches/monitoring%2Fpayments-alerts',
    );
    const again = await render();
    const { outputs, logged } = await pullRequest(
      again.workspace,
      again.outputs,
    );
    expect(outputs.pullRequestNumber).toBe(number);
    expect(logged.join('\n')).toContain(`Updated pull request #${number}`);
    const after = await api(
      'GET',
      '/repos/team-platform/shop/branches/monitoring%2Fpayments-alerts',
    );
    expect(after.json.commit.id).not.toBe(before.json.commit.id);
    const open = await api('GET', '/repos/team-platform/shop/pulls?state=open');
    expect(open.json.map((p: any) => p.number)).toEqual([number]);
  });

  it('without update, an existing branch is a conflict and nothing is pushed', async () => {
    const before = await api(
      'GET',
      '/repos/team-platform/shop/branches/monitoring%2Fpayments-alerts',
    );
    await expect(
      pullRequest(workspace, rendered, { update: false }),
    ).rejects.toThrow(ConflictError);
    const after = await api(
      'GET',
      '/repos/team-platform/shop/branches/monitoring%2Fpayments-alerts',
    );
    expect(after.json.commit.id).toBe(before.json.commit.id);
  });

  it('a wrong password: refused by Gitea, named without the password', async () => {
    const wrong = `${gitea.password}-wrong`;
    const run = pullRequest(workspace, rendered, { password: wrong });
    await expect(run).rejects.toThrow(InputError);
    await expect(run).rejects.toThrow(
      `Gitea at ${gitea.host} refused the credentials of integrations.gitea (401`,
    );
    await expect(run).rejects.not.toThrow(wrong);
  });
});
