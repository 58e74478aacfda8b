import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  buildHub,
  hubInputSchema,
} from '@hubspoke/backstage-plugin-monitoring-manifests';
import { examples } from './hubRender.examples';
import { renderOutputSchema } from './outputSchema';
import { RenderSeal } from '../apply/seal';
import { InitiatorAuthorization } from './initiatorAuthorization';
import { writeManifests } from './writeManifests';

/**
 * `monitoring:hub:render`: renders the hub's manifests (VictoriaMetrics cluster, vmauth and its
 * read users, vmalert + Alertmanager + rules, Grafana HA, the hub's own collection) into the
 * workspace, one YAML file per object, after validating every object against its schema.
 *
 * @public
 */
export function createHubRenderAction(options: {
  /** Checks `monitoring.stack.write` (or `.create`) on the hub's cluster as the initiator. */
  authorization: InitiatorAuthorization;
  seal?: RenderSeal;
}) {
  const seal = options.seal ?? RenderSeal.forProcess();
  return createTemplateAction({
    id: 'monitoring:hub:render',
    description:
      'Renders the monitoring hub (VictoriaMetrics cluster behind vmauth, vmalert, Alertmanager, Grafana HA) into the workspace, validated against the operator CRDs and Kubernetes schemas',
    examples,
    supportsDryRun: true,
    schema: {
      input: z => hubInputSchema(z),
      output: z => renderOutputSchema(z),
    },
    async handler(ctx) {
      // The scaffolder checks the input against the JSON schema derived from the zod schema;
      // parsing with zod again applies the defaults and the checks JSON schema cannot express.
      const hub = buildHub(ctx.input);
      const o = hub.options;
      // Before anything is written: the initiator may render the hub of this cluster.
      await options.authorization.stack(
        o.clusterName,
        await ctx.getInitiatorCredentials(),
        'render the monitoring hub of',
      );
      ctx.logger.info(
        `Rendering hub ${o.name} in namespace ${o.namespace} (${hub.objects.length} objects, secrets: ${o.secretStrategy})${ctx.isDryRun ? ' [dry run]' : ''}`,
      );
      const result = await writeManifests({
        workspacePath: ctx.workspacePath,
        outputPath: o.outputPath,
        sets: [{ subdir: '', objects: hub.objects, cluster: o.clusterName }],
        task: ctx.task.id,
        secrets: hub.secrets,
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
