import { RootConfigService } from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  ApplyResult,
  checkpointKey,
  displayRef,
  parseDuration,
  planApply,
  ProvidedValues,
  resolveCluster,
} from '../apply';
import { applyClusters } from '../apply/clusterTarget';
import { RenderSeal } from '../apply/seal';
import { InitiatorAuthorization } from './initiatorAuthorization';
import {
  APPLY_FIELD_MANAGER,
  objectRef,
} from '@hubspoke/backstage-plugin-monitoring-manifests';
import { examples } from './apply.examples';
import { HUB_SIDE_DIR } from './spokeRender';
import { SECRET_REQUIREMENTS_FILE } from './writeManifests';

/** `[{ secret, values }]` as the template gives it -> values by `namespace/name`, empty ones dropped. */
function providedValues(
  list: Array<{ secret: string; values: Record<string, string> }>,
): ProvidedValues {
  const out: ProvidedValues = {};
  for (const { secret, values } of list) {
    for (const [key, value] of Object.entries(values)) {
      if (value !== '') (out[secret] ??= {})[key] = value;
    }
  }
  return out;
}

/** The field managers apply may write as: its own name, or its name with a suffix. */
const FIELD_MANAGER = /^backstage-monitoring(-[a-z0-9][a-z0-9-]{0,100})?$/;
/** The longest readiness wait. */
const MAX_WAIT_MS = 3600_000;

/** @public */
export interface ApplyActionOptions {
  /** Root config: the clusters come from `kubernetes.clusterLocatorMethods[type=config].clusters`. */
  config: RootConfigService;
  /** Vouches for what the render actions wrote; by default the process's (as theirs). */
  seal?: RenderSeal;
  /** Checks, as the task's initiator, `monitoring.rules.write` or `monitoring.stack.write`. */
  authorization: InitiatorAuthorization;
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
  const seal = options.seal ?? RenderSeal.forProcess();
  // `monitoring.apply.clusters`: apply's own token and allowed namespaces per cluster (a cluster
  // without an entry is refused when targeted), checked at start-up.
  applyClusters(config);
  // `monitoring.apply.allowedClusters`: when set, apply targets only these.
  const allowedClusters = config.getOptionalStringArray(
    'monitoring.apply.allowedClusters',
  );
  const allowed = (cluster: string, field: string) => {
    if (allowedClusters && !allowedClusters.includes(cluster)) {
      throw new NotAllowedError(
        `${field} "${cluster.slice(0, 100)}" is not in monitoring.apply.allowedClusters`,
      );
    }
  };
  const pollInterval = options.pollInterval ?? {
    initialMs: 2000,
    maxMs: 30_000,
  };
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
            .describe(
              "Folder in the workspace holding the rendered YAML (the render action's `path` output); files directly in it are applied, sub-folders such as hub-side/ are not",
            ),
          cluster: z
            .string({ required_error: 'cluster is required' })
            .min(1)
            .describe(
              'Name of the target cluster in kubernetes.clusterLocatorMethods[type=config].clusters (serviceAccount auth)',
            ),
          fieldManager: z
            .string()
            .min(1)
            .max(128)
            .regex(
              FIELD_MANAGER,
              'fieldManager must be backstage-monitoring or start with backstage-monitoring-',
            )
            .default(APPLY_FIELD_MANAGER)
            .describe(
              "Server-side apply field manager owning the applied fields: backstage-monitoring, or that name with a -suffix (so apply never writes as another tool's manager)",
            ),
          waitTimeout: z
            .string()
            .default('10m')
            .describe(
              'How long to wait for the stack to become ready (e.g. 10m, 90s, 1h30m; at most 1h); the task fails after it',
            ),
          force: z
            .boolean()
            .default(false)
            .describe(
              'Take over fields owned by other field managers instead of failing with a conflict',
            ),
          hubCluster: z
            .string()
            .min(1)
            .optional()
            .describe(
              "For a rendered spoke: the hub cluster (same config) that gets the hub-side/ folder and the hub's copy of the spoke's generated password, applied first in the same step",
            ),
          createSecrets: z
            .boolean()
            .default(true)
            .describe(
              'Create the Secrets listed in secret-requirements.json (secretStrategy kubernetes): passwords are generated once and kept on re-runs, values exist only in memory and in the clusters',
            ),
          secretValues: z
            .array(
              z.object({
                secret: z
                  .string()
                  .regex(
                    /^[a-z0-9]([a-z0-9-]*[a-z0-9])?\/[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/,
                    'must be namespace/name',
                  )
                  .describe(
                    'The Secret, as namespace/name (see secret-requirements.json)',
                  ),
                values: z
                  .record(z.string())
                  .describe(
                    "Values by key; an empty value counts as not given, so the cluster's value is kept",
                  ),
              }),
            )
            .default([])
            .describe(
              "Values of the keys only the operator has (e.g. the Grafana database); pass them from the template's secrets (${{ secrets.x }}), never from plain parameters; keys already in the cluster may be left out. Ignored when the set has no secret-requirements.json",
            ),
        }),
      output: z =>
        z.object({
          cluster: z.string().describe('The cluster applied to'),
          objectCount: z
            .number()
            .describe('Number of objects applied (or dry-run)'),
          applied: z
            .array(
              z.object({
                object: z
                  .string()
                  .describe('Kind/namespace/name of the object'),
                cluster: z.string().describe('The cluster it was applied to'),
                result: z
                  .enum(['created', 'configured', 'unchanged', 'dry-run'])
                  .describe('What the apply did'),
              }),
            )
            .describe(
              'Every object in apply order with the result of its apply',
            ),
        }),
    },
    async handler(ctx) {
      const fieldManager = ctx.input.fieldManager ?? APPLY_FIELD_MANAGER;
      const force = ctx.input.force ?? false;
      const waitTimeout = ctx.input.waitTimeout ?? '10m';
      const timeoutMs = parseDuration(waitTimeout);
      if (timeoutMs === undefined) {
        throw new InputError(
          `waitTimeout "${waitTimeout}" is not a duration such as 10m, 90s or 1h30m`,
        );
      }
      if (timeoutMs > MAX_WAIT_MS) {
        // A task holds a scaffolder worker while it waits.
        throw new InputError(
          `waitTimeout "${waitTimeout}" is longer than the 1h the action waits at most`,
        );
      }
      if (!FIELD_MANAGER.test(fieldManager)) {
        throw new InputError(
          'fieldManager must be backstage-monitoring or start with backstage-monitoring-',
        );
      }
      allowed(ctx.input.cluster, 'cluster');
      if (ctx.input.hubCluster) allowed(ctx.input.hubCluster, 'hubCluster');
      const target = resolveCluster(config, ctx.input.cluster);
      const hubTarget = ctx.input.hubCluster
        ? resolveCluster(config, ctx.input.hubCluster)
        : undefined;
      const targets = await planApply({
        workspacePath: ctx.workspacePath,
        path: ctx.input.path,
        hubSideDir: HUB_SIDE_DIR,
        requirementsFile: SECRET_REQUIREMENTS_FILE,
        target,
        hubTarget,
        createSecrets: ctx.input.createSecrets ?? true,
        secretValues: providedValues(ctx.input.secretValues ?? []),
        fieldManager,
        force,
        logger: ctx.logger,
        seal,
        task: ctx.task.id,
        // A service's rules need monitoring.rules.write on their component (as the render
        // checked); anything else the stack permission on each target cluster.
        authorize: async subjects => {
          const credentials = await ctx.getInitiatorCredentials();
          for (const s of subjects) {
            if (s.entityRef)
              await options.authorization.serviceEntity(
                s.entityRef,
                credentials,
                s.identity,
              );
            else
              await options.authorization.stack(
                s.cluster,
                credentials,
                'apply the monitoring stack to',
              );
          }
        },
        live: !ctx.isDryRun,
      });
      const objectCount = targets.reduce((n, t) => n + t.objects.length, 0);
      for (const t of targets) {
        ctx.logger.info(
          `Applying ${t.objects.length} objects from ${t.dir} to cluster ${t.cluster} as ${fieldManager}` +
            `${t.secretCount > 0 ? `, ${t.secretCount} of them Secrets created from secret-requirements.json` : ''}` +
            `${force ? ' (force)' : ''}${ctx.isDryRun ? ' [dry run]' : ''}`,
        );
      }

      ctx.output('cluster', target.name);
      ctx.output('objectCount', objectCount);
      if (ctx.isDryRun) {
        // A template editor's dry run asks no cluster anything: validated and sealed is all.
        ctx.logger.info(
          'Dry run: the objects were validated and are what the render wrote; no cluster was called',
        );
        ctx.output(
          'applied',
          targets.flatMap(t =>
            t.objects.map(o => ({
              object: objectRef(o),
              cluster: t.cluster,
              result: 'dry-run' as const,
            })),
          ),
        );
        return;
      }

      for (const t of targets) {
        const { checked } = await t.applier.dryRunAll(t.objects);
        ctx.logger.info(
          `Server dry-run passed for ${checked} objects in cluster ${t.cluster}`,
        );
      }
      const applied: Array<{
        object: string;
        cluster: string;
        result: ApplyResult;
      }> = [];
      for (const t of targets) {
        for (const obj of t.objects) {
          // The checkpoint keeps only the result: never a Secret's value.
          const result = await ctx.checkpoint({
            key: checkpointKey(obj, t.cluster),
            fn: async (): Promise<ApplyResult> => t.applier.applyOne(obj),
          });
          ctx.logger.info(
            `applied ${displayRef(obj)} (${result})${targets.length > 1 ? ` in cluster ${t.cluster}` : ''}`,
          );
          applied.push({ object: objectRef(obj), cluster: t.cluster, result });
        }
      }
      ctx.output('applied', applied);

      const notReady: string[] = [];
      const deadline = Date.now() + timeoutMs;
      for (const t of targets) {
        const left = Math.max(0, deadline - Date.now());
        const pending = await t.applier.waitReady(
          t.objects,
          left,
          pollInterval,
        );
        notReady.push(
          ...pending.map(p =>
            targets.length > 1 ? `${p} in cluster ${t.cluster}` : p,
          ),
        );
      }
      const where = targets.map(t => t.cluster).join(' and ');
      if (notReady.length > 0) {
        throw new Error(
          `${notReady.length} objects in cluster ${where} were not ready after ${waitTimeout}:\n- ${notReady.join('\n- ')}`,
        );
      }
      ctx.logger.info(`All objects are ready in cluster ${where}`);
    },
  });
}
