// Over 400 lines: one suite of the action against one msw Gitea, each answer of its API beside the others.
/**
 * `monitoring:gitea:pull-request` against Gitea's API as msw serves it (the git helpers replaced
 * by fakes that record what would be pushed): the examples, the input refused before any call,
 * the dry run, and each answer of the API it handles. The real Gitea is in
 * giteaPullRequest.integration.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigReader } from '@backstage/config';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  exampleInput,
  expectDocumentedAction,
  listFiles,
  mockContext,
} from '../__testUtils__/actions';
import { examples } from './giteaPullRequest.examples';
import { createGiteaPullRequestAction, GitHelpers } from './giteaPullRequest';

const HOST = 'gitea.example.com';
const BASE = `https://${HOST}`;
const API = `${BASE}/api/v1`;
const PASSWORD = 'pw-never-shown-7f3a';
const BASIC = `basic ${Buffer.from(`backstage:${PASSWORD}`).toString('base64')}`;
/** What an upstream body could hold that must never reach an error or a log line. */
const BODY_SECRET = 'upstream-body-8c1d';

const config = new ConfigReader({
  integrations: {
    gitea: [
      { host: HOST, baseUrl: BASE, username: 'backstage', password: PASSWORD },
      {
        host: 'tokenless.example.com',
        baseUrl: 'https://tokenless.example.com',
      },
    ],
    github: [{ host: 'github.com', token: 'gh-token' }],
  },
  scaffolder: {
    defaultAuthor: { name: 'Backstage', email: 'backstage@example.com' },
  },
});
const integrations = ScmIntegrations.fromConfig(config);

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** Every request that reached "Gitea", as `METHOD path`, with its authorization. */
let requests: Array<{ call: string; authorization: string | null; body?: any }>;

interface RepoState {
  defaultBranch?: string;
  branches: string[];
  /** Answer of POST /pulls. */
  create?: { status: number; body?: unknown };
  existingPull?: { html_url: string; number: number };
  repoStatus?: number;
}

/** A Gitea with repository `name` (default team-shop/payments) in `state`. */
function gitea(state: RepoState, name = 'team-shop/payments') {
  const record = async (request: Request) => {
    const url = new URL(request.url);
    const body =
      request.method === 'POST' ? await request.clone().json() : undefined;
    requests.push({
      call: `${request.method} ${decodeURIComponent(url.pathname)}`,
      authorization: request.headers.get('authorization'),
      body,
    });
  };
  const repo = `${API}/repos/${name}`;
  server.use(
    http.get(repo, async ({ request }) => {
      await record(request);
      if (state.repoStatus)
        return HttpResponse.json(
          { message: BODY_SECRET },
          { status: state.repoStatus },
        );
      return HttpResponse.json({
        full_name: name,
        default_branch: state.defaultBranch ?? 'main',
      });
    }),
    http.get(`${repo}/branches/*`, async ({ request }) => {
      await record(request);
      const branch = decodeURIComponent(
        new URL(request.url).pathname.split('/branches/')[1],
      );
      return state.branches.includes(branch)
        ? HttpResponse.json({ name: branch })
        : HttpResponse.json({ message: 'not found' }, { status: 404 });
    }),
    http.post(`${repo}/pulls`, async ({ request }) => {
      await record(request);
      const answer = state.create ?? {
        status: 201,
        body: { html_url: `${BASE}/${name}/pulls/7`, number: 7 },
      };
      return HttpResponse.json(answer.body ?? { message: BODY_SECRET }, {
        status: answer.status,
      });
    }),
    http.get(`${repo}/pulls/:base/*`, async ({ request }) => {
      await record(request);
      return state.existingPull
        ? HttpResponse.json(state.existingPull)
        : HttpResponse.json({ message: 'not found' }, { status: 404 });
    }),
  );
}

const mockDir = createMockDirectory();

/** Fake git helpers: the clone holds README.md; the push records the tree it would push. */
function fakeGit(opts: { pushError?: Error } = {}) {
  const pushed: { files: string[]; branch?: string; message?: string }[] = [];
  const cloned: { ref?: string; url: string; auth: unknown }[] = [];
  const git: GitHelpers = {
    cloneRepo: jest.fn(async o => {
      cloned.push({ ref: o.ref, url: o.url, auth: o.auth });
      fs.mkdirSync(o.dir, { recursive: true });
      fs.writeFileSync(path.join(o.dir, 'README.md'), 'the repository\n');
    }),
    addFiles: jest.fn(async () => {}),
    commitAndPushBranch: jest.fn(async o => {
      if (opts.pushError) throw opts.pushError;
      pushed.push({
        files: listFiles(o.dir).sort(),
        branch: o.branch,
        message: o.commitMessage,
      });
      return { commitHash: '0123456789abcdef0123456789abcdef01234567' };
    }),
  };
  return { git, pushed, cloned };
}

/** A workspace with pull-request/{catalog-info.yaml,monitoring/rule.yaml}, and the context. */
function run(input: Record<string, unknown>, isDryRun = false) {
  const workspace = mockDir.resolve(
    `ws-${Math.random().toString(36).slice(2)}`,
  );
  fs.mkdirSync(path.join(workspace, 'pull-request', 'monitoring'), {
    recursive: true,
  });
  fs.writeFileSync(
    path.join(workspace, 'pull-request', 'catalog-info.yaml'),
    'kind: Component\n',
  );
  fs.writeFileSync(
    path.join(workspace, 'pull-request', 'monitoring', 'rule.yaml'),
    'kind: VMRule\n',
  );
  const context = mockContext(workspace, input, isDryRun);
  let tmp = 0;
  (context.ctx.createTemporaryDirectory as jest.Mock).mockImplementation(
    async () => {
      const dir = mockDir.resolve(`tmp-${++tmp}-${Math.random()}`);
      fs.mkdirSync(dir, { recursive: true });
      return dir;
    },
  );
  const lines: string[] = [];
  for (const level of ['info', 'warn', 'error', 'debug'] as const) {
    jest.spyOn(context.ctx.logger, level).mockImplementation(((m: any) => {
      lines.push(String(m));
    }) as any);
  }
  return { ...context, lines, workspace };
}

const INPUT = {
  repoUrl: `${HOST}?owner=team-shop&repo=payments`,
  branchName: 'monitoring/payments-alerts',
  title: 'Monitoring for payments',
  description: 'Adds the alerts.',
  sourcePath: 'pull-request',
};

beforeEach(() => {
  requests = [];
  mockDir.clear();
});

describe('monitoring:gitea:pull-request', () => {
  // eslint-disable-next-line jest/expect-expect -- asserts in expectDocumentedAction
  it('is documented: dry-run support and a description on every field', () => {
    expectDocumentedAction(
      createGiteaPullRequestAction({ integrations, config }),
      'monitoring:gitea:pull-request',
    );
  });

  it('runs the examples: pushes the folder to a new branch and opens the pull request', async () => {
    const expected = [
      {
        repo: 'team-shop/payments',
        target: 'main',
        files: ['README.md', 'catalog-info.yaml', 'monitoring/rule.yaml'],
      },
      {
        repo: 'team-platform/hub-manifests',
        target: 'release',
        // sourcePath monitoring/ into targetPath monitoring/, beside what the branch holds.
        files: ['README.md', 'monitoring/checkout.yaml'],
      },
    ];
    expect(examples).toHaveLength(expected.length);
    for (const [i, example] of examples.entries()) {
      const input = exampleInput(example.example);
      const want = expected[i];
      requests = [];
      gitea({ branches: ['main', 'release'] }, want.repo);
      const { git, pushed, cloned } = fakeGit();
      const { ctx, outputs, workspace } = run(input);
      fs.mkdirSync(path.join(workspace, 'monitoring'), { recursive: true });
      fs.writeFileSync(
        path.join(workspace, 'monitoring', 'checkout.yaml'),
        'kind: VMRule\n',
      );
      await createGiteaPullRequestAction({ integrations, config, git }).handler(
        ctx,
      );
      expect(cloned).toEqual([
        {
          ref: want.target,
          url: `${BASE}/${want.repo}.git`,
          auth: { username: 'backstage', password: PASSWORD },
        },
      ]);
      expect(pushed).toEqual([
        {
          files: want.files,
          branch: input.branchName,
          message: input.commitMessage ?? input.title,
        },
      ]);
      expect(requests.find(r => r.call.startsWith('POST'))?.body).toEqual({
        head: input.branchName,
        base: want.target,
        title: input.title,
        body: input.description ?? '',
      });
      expect(outputs).toEqual({
        pullRequestUrl: `${BASE}/${want.repo}/pulls/7`,
        pullRequestNumber: 7,
        targetBranchName: want.target,
        commitHash: '0123456789abcdef0123456789abcdef01234567',
      });
    }
  });

  it('calls the API as the integration user and never logs the credentials', async () => {
    gitea({ branches: ['main'] });
    const { git } = fakeGit();
    const { ctx, lines } = run(INPUT);
    await createGiteaPullRequestAction({ integrations, config, git }).handler(
      ctx,
    );
    expect(requests.map(r => r.call)).toEqual([
      'GET /api/v1/repos/team-shop/payments',
      'GET /api/v1/repos/team-shop/payments/branches/main',
      'GET /api/v1/repos/team-shop/payments/branches/monitoring/payments-alerts',
      'POST /api/v1/repos/team-shop/payments/pulls',
    ]);
    expect(new Set(requests.map(r => r.authorization))).toEqual(
      new Set([BASIC]),
    );
    expect(lines.join('\n')).toContain('Opened pull request #7');
    expect(lines.join('\n')).not.toContain(PASSWORD);
  });

  it.each([
    [
      'a host that is not in integrations',
      { repoUrl: 'git.other.example?owner=a&repo=b' },
      'No matching integration configuration for host git.other.example',
    ],
    [
      'a GitHub host',
      { repoUrl: 'github.com?owner=a&repo=b' },
      "repoUrl's host github.com is not a Gitea host of integrations.gitea",
    ],
    [
      'no owner',
      { repoUrl: `${HOST}?repo=payments` },
      'repoUrl needs an owner',
    ],
    [
      'a host without credentials',
      { repoUrl: 'tokenless.example.com?owner=a&repo=b' },
      'integrations.gitea for tokenless.example.com needs username and password',
    ],
    [
      'the same branch twice',
      { targetBranchName: 'monitoring/payments-alerts' },
      'branchName and targetBranchName are the same',
    ],
    [
      'a missing source folder',
      { sourcePath: 'nowhere' },
      'sourcePath nowhere is not a folder of the workspace',
    ],
    [
      'an empty source folder',
      { sourcePath: 'pull-request/empty' },
      'sourcePath pull-request/empty holds no files',
    ],
  ])('refuses %s before any call', async (_what, change, message) => {
    gitea({ branches: ['main'] });
    const { git } = fakeGit();
    const { ctx, workspace } = run({ ...INPUT, ...change });
    fs.mkdirSync(path.join(workspace, 'pull-request', 'empty'));
    const result = createGiteaPullRequestAction({
      integrations,
      config,
      git,
    }).handler(ctx);
    await expect(result).rejects.toThrow(InputError);
    await expect(result).rejects.toThrow(message);
    expect(requests).toEqual([]);
    expect(git.cloneRepo).not.toHaveBeenCalled();
  });

  it('refuses a source folder outside the workspace before any call', async () => {
    gitea({ branches: ['main'] });
    const { git } = fakeGit();
    const { ctx } = run({ ...INPUT, sourcePath: '../..' });
    await expect(
      createGiteaPullRequestAction({ integrations, config, git }).handler(ctx),
    ).rejects.toThrow(/outside/);
    expect(requests).toEqual([]);
  });

  it.each([
    ['branchName', '-f'],
    ['branchName', 'a..b'],
    ['branchName', 'x.lock'],
    ['targetBranchName', 'a b'],
    ['targetPath', '../up'],
    ['targetPath', '/abs'],
  ])('its schema refuses %s %j', (field, value) => {
    const action = createGiteaPullRequestAction({ integrations, config });
    const schema = action.schema?.input as any;
    expect(schema.properties[field].pattern).toBeDefined();
    expect(new RegExp(schema.properties[field].pattern).test(value)).toBe(
      false,
    );
  });

  it('in a dry run checks the input and calls nothing', async () => {
    gitea({ branches: ['main'] });
    const { git } = fakeGit();
    const { ctx, outputs, lines } = run(INPUT, true);
    await createGiteaPullRequestAction({ integrations, config, git }).handler(
      ctx,
    );
    expect(requests).toEqual([]);
    expect(git.cloneRepo).not.toHaveBeenCalled();
    expect(outputs).toEqual({
      pullRequestUrl: `${BASE}/team-shop/payments/pulls`,
    });
    expect(lines.join('\n')).toContain(
      'Dry run: would push 2 file(s) to branch monitoring/payments-alerts of team-shop/payments',
    );
  });

  describe("Gitea's answers", () => {
    const attempt = async (
      state: RepoState,
      input = INPUT,
      git = fakeGit(),
    ) => {
      gitea(state);
      const { ctx, outputs, lines } = run(input);
      const result = createGiteaPullRequestAction({
        integrations,
        config,
        git: git.git,
      }).handler(ctx);
      return { result, outputs, lines, ...git };
    };

    it('401: the credentials refused, without the answer', async () => {
      const { result, pushed } = await attempt({
        branches: [],
        repoStatus: 401,
      });
      await expect(result).rejects.toThrow(
        'Gitea at gitea.example.com refused the credentials of integrations.gitea (401 on GET /repos/team-shop/payments)',
      );
      expect(pushed).toEqual([]);
    });

    it('404: no such repository (or not visible)', async () => {
      const { result } = await attempt({ branches: [], repoStatus: 404 });
      await expect(result).rejects.toThrow(NotFoundError);
      await expect(result).rejects.toThrow(
        'repository team-shop/payments does not exist on gitea.example.com (or backstage cannot see it)',
      );
    });

    it('500: the status, never the body', async () => {
      const { result } = await attempt({ branches: [], repoStatus: 500 });
      await expect(result).rejects.toThrow(
        'Gitea at gitea.example.com answered 500 to GET /repos/team-shop/payments',
      );
      await expect(result).rejects.not.toThrow(BODY_SECRET);
    });

    it('a target branch that does not exist', async () => {
      const { result, pushed } = await attempt({ branches: ['main'] }, {
        ...INPUT,
        targetBranchName: 'develop',
      } as any);
      await expect(result).rejects.toThrow(
        'target branch develop does not exist in team-shop/payments on gitea.example.com',
      );
      expect(pushed).toEqual([]);
    });

    it("the repository's default branch is the target when none is given", async () => {
      const { result, cloned, outputs } = await attempt({
        defaultBranch: 'trunk',
        branches: ['trunk'],
      });
      await result;
      expect(cloned[0].ref).toBe('trunk');
      expect(outputs.targetBranchName).toBe('trunk');
      expect(requests.find(r => r.call.startsWith('POST'))?.body.base).toBe(
        'trunk',
      );
    });

    it('an existing branch without update: a conflict, nothing pushed', async () => {
      const { result, pushed } = await attempt({
        branches: ['main', 'monitoring/payments-alerts'],
      });
      await expect(result).rejects.toThrow(ConflictError);
      await expect(result).rejects.toThrow(
        'branch monitoring/payments-alerts exists already in team-shop/payments on gitea.example.com; set update: true',
      );
      expect(pushed).toEqual([]);
    });

    it('an existing branch with update: a commit on it, and its open pull request', async () => {
      const { result, pushed, cloned, outputs, lines } = await attempt(
        {
          branches: ['main', 'monitoring/payments-alerts'],
          create: { status: 409 },
          existingPull: {
            html_url: `${BASE}/team-shop/payments/pulls/4`,
            number: 4,
          },
        },
        { ...INPUT, update: true } as any,
      );
      await result;
      expect(cloned[0].ref).toBe('monitoring/payments-alerts');
      expect(pushed).toHaveLength(1);
      expect(outputs).toMatchObject({
        pullRequestUrl: `${BASE}/team-shop/payments/pulls/4`,
        pullRequestNumber: 4,
      });
      expect(requests.map(r => r.call)).toContain(
        'GET /api/v1/repos/team-shop/payments/pulls/main/monitoring/payments-alerts',
      );
      expect(lines.join('\n')).toContain('Updated pull request #4');
    });

    it('422: refused as invalid (no changes), without the answer', async () => {
      const { result } = await attempt({
        branches: ['main'],
        create: { status: 422 },
      });
      await expect(result).rejects.toThrow(InputError);
      await expect(result).rejects.toThrow(
        'Gitea refused the pull request from monitoring/payments-alerts into main of team-shop/payments (422',
      );
      await expect(result).rejects.not.toThrow(BODY_SECRET);
    });

    it('409 without update: a conflict', async () => {
      const { result } = await attempt({
        branches: ['main'],
        create: { status: 409 },
      });
      await expect(result).rejects.toThrow(ConflictError);
    });

    it('an unreachable Gitea: named, with the cause code only', async () => {
      server.use(
        http.get(`${API}/repos/team-shop/payments`, () => HttpResponse.error()),
      );
      const { git } = fakeGit();
      const { ctx } = run(INPUT);
      const result = createGiteaPullRequestAction({
        integrations,
        config,
        git,
      }).handler(ctx);
      await expect(result).rejects.toThrow(
        /^could not reach Gitea at gitea\.example\.com for GET \/repos\/team-shop\/payments \(/,
      );
    });

    it("a failed push: its kind and status, never the message (it may hold the server's answer)", async () => {
      const err = Object.assign(
        new Error(
          `HTTP Error: 403 Forbidden {data=${BODY_SECRET} ${PASSWORD}}`,
        ),
        { code: 'HttpError', data: { statusCode: 403 } },
      );
      const { result } = await attempt(
        { branches: ['main'] },
        INPUT,
        fakeGit({ pushError: err }),
      );
      await expect(result).rejects.toThrow(
        'pushing branch monitoring/payments-alerts to team-shop/payments on gitea.example.com failed (HttpError 403)',
      );
      await expect(result).rejects.not.toThrow(BODY_SECRET);
      expect(requests.some(r => r.call.startsWith('POST'))).toBe(false);
    });
  });

  it('a retried task does not push again: the push and the pull request are checkpoints', async () => {
    gitea({ branches: ['main'] });
    const { git, pushed } = fakeGit();
    const cache = new Map<string, unknown>();
    const action = createGiteaPullRequestAction({ integrations, config, git });
    for (let i = 0; i < 2; i++) {
      const { ctx, outputs } = run(INPUT);
      ctx.checkpoint = (async ({ key, fn }: any) => {
        if (!cache.has(key)) cache.set(key, await fn());
        return cache.get(key);
      }) as any;
      await action.handler(ctx);
      expect(outputs.pullRequestNumber).toBe(7);
    }
    expect(pushed).toHaveLength(1);
    expect(requests.filter(r => r.call.startsWith('POST'))).toHaveLength(1);
    expect([...cache.keys()]).toEqual([
      'gitea-push:gitea.example.com/team-shop/payments#monitoring/payments-alerts',
      'gitea-pull-request:gitea.example.com/team-shop/payments#monitoring/payments-alerts->main',
    ]);
  });
});
