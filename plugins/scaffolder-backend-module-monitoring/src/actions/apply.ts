import { RootConfigService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { KubernetesObjectApi } from '@kubernetes/client-node';
import {
  Applier,
  ApplyResult,
  checkpointKey,
  displayRef,
  loadManifests,
  orderForApply,
  parseDuration,
  resolveCluster,
} from '../apply';
import { objectRef, validateObjects } from '../validation';
import { examples } from './apply.examples';

export interface ApplyActionOptions {
  /** Root config: the clusters come from `kubernetes.clusterLocatorMethods[type=config].clusters`. */
  config: RootConfigService;
  /** Readiness polling backoff (default 2s doubling up to 30s). */
  pollInterval?: { initialMs: number; maxMs: number };
}

/**
 * `monitoring:apply`: server-side apply of a rendered manifest folder to a cluster of the
 * Kubernetes plugin's config, after a server dry-run of every object, then a readiness wait.
 *
 * @public
 */
export function createApplyAction(options: ApplyActionOptions) {
  const { config } = options;
  const pollInterval = options.pollInterval ?? { initialMs: 2000, maxMs: 30_000 };
  return createTemplateAction({
    id: 'monitoring:apply',
    description:
      'Applies rendered monitoring manifests to a Kubernetes cluster with server-side apply: validates them, server dry-runs every object, applies in dependency order and waits until the VictoriaMetrics objects and workloads are ready',
    examples,
    supportsDryRun: true,
    schema: {
      input: z =>
        z.object({
          path: z
            .string({ required_error: 'path is required' })
            .min(1)
            .describe('Folder in the workspace holding the rendered YAML (the render action\'s `path` output); files directly in it are applied, sub-folders such as hub-side/ are not'),
          cluster: z
            .string({ required_error: 'cluster is required' })
            .min(1)
            .describe('Name of the target cluster in kubernetes.clusterLocatorMethods[type=config].clusters (serviceAccount auth)'),
          fieldManager: z
            .string()
            .min(1)
            .max(128)
            .default('backstage-monitoring')
            .describe('Server-side apply field manager owning the applied fields'),
          waitTimeout: z
            .string()
            .default('10m')
            .describe('How long to wait for the stack to become ready (e.g. 10m, 90s, 1h30m); the task fails after it'),
          force: z
            .boolean()
            .default(false)
            .describe('Take over fields owned by other field managers instead of failing with a conflict'),
        }),
      output: z =>
        z.object({
          cluster: z.string().describe('The cluster applied to'),
          objectCount: z.number().describe('Number of objects applied (or dry-run)'),
          applied: z
            .array(
              z.object({
                object: z.string().describe('Kind/namespace/name of the object'),
                result: z.enum(['created', 'configured', 'unchanged', 'dry-run']).describe('What the apply did'),
              }),
            )
            .describe('Every object in apply order with the result of its apply'),
        }),
    },
    async handler(ctx) {
      const fieldManager = ctx.input.fieldManager ?? 'backstage-monitoring';
      const force = ctx.input.force ?? false;
      const waitTimeout = ctx.input.waitTimeout ?? '10m';
      const timeoutMs = parseDuration(waitTimeout);
      if (timeoutMs === undefined) {
        throw new InputError(`waitTimeout "${waitTimeout}" is not a duration such as 10m, 90s or 1h30m`);
      }
      const target = resolveCluster(config, ctx.input.cluster);
      const loaded = await loadManifests(ctx.workspacePath, ctx.input.path);
      validateObjects(loaded.map(l => l.obj));
      const objects = orderForApply(loaded.map(l => l.obj));
      ctx.logger.info(
        `Applying ${objects.length} objects from ${ctx.input.path} to cluster ${target.name} as ${fieldManager}${force ? ' (force)' : ''}${ctx.isDryRun ? ' [dry run]' : ''}`,
      );

      const applier = new Applier({
        client: KubernetesObjectApi.makeApiClient(target.kubeConfig),
        cluster: target.name,
        fieldManager,
        force,
        logger: ctx.logger,
      });
      const { checked } = await applier.dryRunAll(objects);
      ctx.logger.info(`Server dry-run passed for ${checked} objects`);
      ctx.output('cluster', target.name);
      ctx.output('objectCount', objects.length);
      if (ctx.isDryRun) {
        ctx.output('applied', objects.map(o => ({ object: objectRef(o), result: 'dry-run' as const })));
        return;
      }

      const applied: Array<{ object: string; result: ApplyResult }> = [];
      for (const obj of objects) {
        const result = await ctx.checkpoint({
          key: checkpointKey(obj),
          fn: async (): Promise<ApplyResult> => applier.applyOne(obj),
        });
        ctx.logger.info(`applied ${displayRef(obj)} (${result})`);
        applied.push({ object: objectRef(obj), result });
      }
      ctx.output('applied', applied);

      const notReady = await applier.waitReady(objects, timeoutMs, pollInterval);
      if (notReady.length > 0) {
        throw new Error(
          `${notReady.length} objects in cluster ${target.name} were not ready after ${waitTimeout}:\n- ${notReady.join('\n- ')}`,
        );
      }
      ctx.logger.info(`All objects are ready in cluster ${target.name}`);
    },
  });
}
