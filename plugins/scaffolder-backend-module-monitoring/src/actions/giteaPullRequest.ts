import fs from 'node:fs/promises';
import path from 'node:path';
import {
  resolveSafeChildPath,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { ScmIntegrationRegistry } from '@backstage/integration';
import {
  addFiles,
  cloneRepo,
  commitAndPushBranch,
  createTemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { examples } from './giteaPullRequest.examples';
import {
  BRANCH,
  GiteaApi,
  giteaTarget,
  listFiles,
  REPO_PATH,
} from './giteaRepository';

/**
 * The scaffolder's git helpers the action uses (`@backstage/plugin-scaffolder-node`); tests
 * replace them.
 *
 * @public
 */
export interface GitHelpers {
  /** Clones the target (or the existing) branch, shallow. */
  cloneRepo: typeof cloneRepo;
  /** Stages the written files. */
  addFiles: typeof addFiles;
  /** Commits and pushes to the pull request's branch. */
  commitAndPushBranch: typeof commitAndPushBranch;
}

/**
 * What `monitoring:gitea:pull-request` needs from the backend.
 *
 * @public
 */
export interface GiteaPullRequestActionOptions {
  /** `integrations.gitea`: the host's `baseUrl`, `username` and `password` (or access token). */
  integrations: ScmIntegrationRegistry;
  /** Root config: `scaffolder.defaultAuthor` names the commit's author, as publish:gitea does. */
  config: RootConfigService;
  /** Defaults to the scaffolder's own. */
  git?: GitHelpers;
}

/**
 * `monitoring:gitea:pull-request`: pushes a workspace folder to a new branch of a Gitea
 * repository (the scaffolder's git helpers) and opens a pull request from it through Gitea's API.
 * Backstage's Gitea module has `publish:gitea` only; this is the Gitea path of
 * `publish:github:pull-request`.
 *
 * @public
 */
export function createGiteaPullRequestAction(
  options: GiteaPullRequestActionOptions,
) {
  const { integrations, config } = options;
  const git = options.git ?? { cloneRepo, addFiles, commitAndPushBranch };
  return createTemplateAction({
    id: 'monitoring:gitea:pull-request',
    description:
      'Pushes a workspace folder to a new branch of a Gitea repository and opens a pull request from it (the Gitea path of publish:github:pull-request; host and credentials from integrations.gitea)',
    examples,
    supportsDryRun: true,
    schema: {
      input: z =>
        z.object({
          repoUrl: z
            .string({ required_error: 'repoUrl is required' })
            .min(1)
            .describe(
              'The repository, as the scaffolder writes it: <host>?owner=<user or organisation>&repo=<name>; the host must be in integrations.gitea',
            ),
          branchName: z
            .string({ required_error: 'branchName is required' })
            .regex(BRANCH, 'branchName is not a valid branch name')
            .describe(
              'The branch the files are pushed to and the pull request is opened from; created from the target branch',
            ),
          targetBranchName: z
            .string()
            .regex(BRANCH, 'targetBranchName is not a valid branch name')
            .optional()
            .describe(
              "The branch the pull request merges into; by default the repository's default branch",
            ),
          title: z
            .string({ required_error: 'title is required' })
            .min(1)
            .max(255)
            .describe("The pull request's title"),
          description: z
            .string()
            .max(65_535)
            .default('')
            .describe("The pull request's description (Markdown)"),
          sourcePath: z
            .string()
            .optional()
            .describe(
              'Workspace folder whose files go into the branch (sub-folders included, .git skipped); by default the whole workspace',
            ),
          targetPath: z
            .string()
            .regex(
              REPO_PATH,
              'targetPath must be a relative folder inside the repository',
            )
            .optional()
            .describe(
              "Folder of the repository the files are written to (existing files of the same name are replaced, others kept); by default the repository's root",
            ),
          commitMessage: z
            .string()
            .min(1)
            .optional()
            .describe("The commit's message; by default the title"),
          update: z
            .boolean()
            .default(false)
            .describe(
              'When the branch exists already (a template run again): add a commit to it and answer with its open pull request, instead of failing',
            ),
        }),
      output: z =>
        z.object({
          pullRequestUrl: z
            .string()
            .describe(
              "The pull request's page (in a dry run: the repository's pull requests)",
            ),
          pullRequestNumber: z
            .number()
            .optional()
            .describe("The pull request's number (not in a dry run)"),
          targetBranchName: z
            .string()
            .optional()
            .describe('The branch the pull request merges into'),
          commitHash: z
            .string()
            .optional()
            .describe('The commit pushed to the branch (not in a dry run)'),
        }),
    },
    async handler(ctx) {
      const input = ctx.input;
      // Everything the input can get wrong, before any call.
      const t = giteaTarget(input.repoUrl, integrations);
      if (input.targetBranchName === input.branchName)
        throw new InputError('branchName and targetBranchName are the same');
      const sourceDir = resolveSafeChildPath(
        ctx.workspacePath,
        input.sourcePath ?? '.',
      );
      const stat = await fs.stat(sourceDir).catch(() => undefined);
      if (!stat?.isDirectory())
        throw new InputError(
          `sourcePath ${input.sourcePath ?? '.'} is not a folder of the workspace`,
        );
      const files = await listFiles(sourceDir);
      if (files.length === 0)
        throw new InputError(
          `sourcePath ${input.sourcePath ?? '.'} holds no files`,
        );
      const repoName = `${t.owner}/${t.repo}`;
      const baseUrl = t.baseUrl;
      const into = input.targetPath ? ` under ${input.targetPath}/` : '';
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would push ${files.length} file(s)${into} to branch ${input.branchName} of ${repoName} on ${t.host} and open a pull request into ${input.targetBranchName ?? 'its default branch'}`,
        );
        ctx.output('pullRequestUrl', `${baseUrl}/${repoName}/pulls`);
        if (input.targetBranchName)
          ctx.output('targetBranchName', input.targetBranchName);
        return;
      }

      const api = new GiteaApi(t);
      const repoPath = `/repos/${encodeURIComponent(t.owner)}/${encodeURIComponent(t.repo)}`;
      const branchPath = (b: string) =>
        `${repoPath}/branches/${encodeURIComponent(b)}`;
      const repoInfo = await api.call('GET', repoPath);
      if (repoInfo.status === 404)
        throw new NotFoundError(
          `repository ${repoName} does not exist on ${t.host} (or ${t.auth.username} cannot see it)`,
        );
      if (repoInfo.status !== 200)
        throw api.unexpected('GET', repoPath, repoInfo.status);
      const targetBranch: string =
        input.targetBranchName ?? repoInfo.json?.default_branch;
      if (!targetBranch || !BRANCH.test(targetBranch))
        throw new Error(`${repoName} on ${t.host} has no default branch`);
      const targetInfo = await api.call('GET', branchPath(targetBranch));
      if (targetInfo.status === 404)
        throw new InputError(
          `target branch ${targetBranch} does not exist in ${repoName} on ${t.host}`,
        );
      if (targetInfo.status !== 200)
        throw api.unexpected(
          'GET',
          branchPath(targetBranch),
          targetInfo.status,
        );

      // Pushed once: a retried task does not push again.
      const { commitHash } = await ctx.checkpoint({
        key: `gitea-push:${t.host}/${repoName}#${input.branchName}`,
        fn: async () => {
          const existing = await api.call('GET', branchPath(input.branchName));
          if (existing.status !== 200 && existing.status !== 404)
            throw api.unexpected(
              'GET',
              branchPath(input.branchName),
              existing.status,
            );
          const exists = existing.status === 200;
          if (exists && !input.update)
            throw new ConflictError(
              `branch ${input.branchName} exists already in ${repoName} on ${t.host}; set update: true to add to it`,
            );
          const dir = await ctx.createTemporaryDirectory();
          const from = exists ? input.branchName : targetBranch;
          ctx.logger.info(
            `Cloning ${repoName} (${from}) from ${t.host}; ${files.length} file(s)${into} go to branch ${input.branchName}`,
          );
          try {
            await git.cloneRepo({
              url: `${baseUrl}/${repoName}.git`,
              dir,
              ref: from,
              depth: 1,
              auth: t.auth,
              logger: ctx.logger,
            });
            const destination = input.targetPath
              ? resolveSafeChildPath(dir, input.targetPath)
              : dir;
            for (const file of files) {
              const to = resolveSafeChildPath(destination, file);
              await fs.mkdir(path.dirname(to), { recursive: true });
              await fs.copyFile(path.join(sourceDir, file), to);
            }
            await git.addFiles({
              dir,
              filepath: '.',
              auth: t.auth,
              logger: ctx.logger,
            });
            const authorName = config.getOptionalString(
              'scaffolder.defaultAuthor.name',
            );
            const authorEmail = config.getOptionalString(
              'scaffolder.defaultAuthor.email',
            );
            const pushed = await git.commitAndPushBranch({
              dir,
              auth: t.auth,
              logger: ctx.logger,
              commitMessage: input.commitMessage ?? input.title,
              gitAuthorInfo: { name: authorName, email: authorEmail },
              branch: input.branchName,
            });
            return { commitHash: pushed.commitHash };
          } catch (e) {
            // isomorphic-git's messages may carry the server's answer: only its kind is kept.
            const status = e?.data?.statusCode ? ` ${e.data.statusCode}` : '';
            throw new Error(
              `pushing branch ${input.branchName} to ${repoName} on ${t.host} failed (${e?.code ?? e?.name ?? 'error'}${status})`,
            );
          }
        },
      });
      ctx.logger.info(
        `Pushed ${commitHash.slice(0, 12)} to ${input.branchName}; opening the pull request into ${targetBranch}`,
      );

      const pr = await ctx.checkpoint({
        key: `gitea-pull-request:${t.host}/${repoName}#${input.branchName}->${targetBranch}`,
        fn: async () => {
          const pullsPath = `${repoPath}/pulls`;
          const created = await api.call('POST', pullsPath, {
            head: input.branchName,
            base: targetBranch,
            title: input.title,
            body: input.description ?? '',
          });
          if (created.status === 201)
            return {
              url: String(created.json?.html_url),
              number: Number(created.json?.number),
              opened: true,
            };
          if (created.status === 409 && input.update) {
            const byBranches = `${pullsPath}/${encodeURIComponent(targetBranch)}/${encodeURIComponent(input.branchName)}`;
            const found = await api.call('GET', byBranches);
            if (found.status !== 200)
              throw api.unexpected('GET', byBranches, found.status);
            return {
              url: String(found.json?.html_url),
              number: Number(found.json?.number),
              opened: false,
            };
          }
          if (created.status === 409)
            throw new ConflictError(
              `a pull request from ${input.branchName} into ${targetBranch} is open already in ${repoName}; set update: true to add to it`,
            );
          if (created.status === 422)
            throw new InputError(
              `Gitea refused the pull request from ${input.branchName} into ${targetBranch} of ${repoName} (422: for example, no changes between them)`,
            );
          if (created.status === 404)
            throw new NotFoundError(
              `Gitea found no ${input.branchName} or ${targetBranch} in ${repoName} to open a pull request (404)`,
            );
          throw api.unexpected('POST', pullsPath, created.status);
        },
      });
      ctx.logger.info(
        `${pr.opened ? 'Opened' : 'Updated'} pull request #${pr.number}: ${pr.url}`,
      );
      ctx.output('pullRequestUrl', pr.url);
      ctx.output('pullRequestNumber', pr.number);
      ctx.output('targetBranchName', targetBranch);
      ctx.output('commitHash', commitHash);
    },
  });
}
