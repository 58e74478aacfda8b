import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  spokeInputSchema,
  buildSpoke,
} from '@hubspoke/backstage-plugin-monitoring-manifests';
import { renderOutputSchema } from './outputSchema';
import { examples } from './spokeRender.examples';
import { RenderSeal } from '../apply/seal';
import { InitiatorAuthorization } from './initiatorAuthorization';
import { writeManifests } from './writeManifests';

/** Folder below the output path for the objects applied to the hub cluster. */
export const HUB_SIDE_DIR = 'hub-side';

/**
 * `monitoring:spoke:render`: renders a spoke's manifests (vmagent with persistent queue and
 * remote write to the hub, exporters, scrapes) and, under `hub-side/`, the hub objects that
 * admit the spoke (its write-only VMUser), after validating every object.
 *
 * @public
 */
export function createSpokeRenderAction(options: {
  /** Checks `monitoring.stack.write` (or `.create`) on the spoke's cluster as the initiator. */
  authorization: InitiatorAuthorization;
  seal?: RenderSeal;
}) {
  const seal = options.seal ?? RenderSeal.forProcess();
  return createTemplateAction({
    id: 'monitoring:spoke:render',
    description:
      'Renders a monitoring spoke (vmagent remote-writing to the hub with cluster and environment labels, exporters, scrapes) and the hub-side objects that admit it',
    examples,
    supportsDryRun: true,
    schema: {
      input: z => spokeInputSchema(z),
      output: z => renderOutputSchema(z),
    },
    async handler(ctx) {
      // Parsing with zod applies the defaults and the checks JSON schema cannot express.
      const spoke = buildSpoke(ctx.input);
      const o = spoke.options;
      // Before anything is written: the initiator may render this cluster's spoke.
      await options.authorization.stack(
        o.clusterName,
        await ctx.getInitiatorCredentials(),
        'render the monitoring spoke of',
      );
      const outputPath = o.outputPath ?? `spokes/${o.clusterName}`;
      ctx.logger.info(
        `Rendering spoke ${o.clusterName} (${o.environment}) writing to ${o.hubUrl}: ${spoke.spoke.length} objects, ${spoke.hub.length} hub-side${ctx.isDryRun ? ' [dry run]' : ''}`,
      );
      const result = await writeManifests({
        workspacePath: ctx.workspacePath,
        outputPath,
        sets: [
          { subdir: '', objects: spoke.spoke, cluster: o.clusterName },
          { subdir: HUB_SIDE_DIR, objects: spoke.hub, cluster: o.hubCluster },
        ],
        task: ctx.task.id,
        secrets: spoke.secrets,
        logger: ctx.logger,
        seal,
      });
      ctx.output('path', result.path);
      ctx.output('objectCount', result.objectCount);
      ctx.output('files', result.files);
      ctx.output('secrets', result.secrets);
    },
  });
}
