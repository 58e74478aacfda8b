import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { z } from 'zod';
import { buildServiceRules, serviceRulesInputSchema } from '../builders/serviceRules';
import { examples } from './serviceRender.examples';
import { writeManifests } from './writeManifests';

function serviceRenderOutputSchema(zi: typeof z) {
  return zi.object({
    path: zi.string().describe('Folder the VMRule was written to, relative to the workspace'),
    files: zi.array(zi.string()).describe('Written manifest files, relative to the workspace'),
    ruleName: zi.string().describe('Name of the VMRule (namespace: the hub\'s)'),
    ruleCount: zi.number().describe('Number of alerting rules in the VMRule'),
    service: zi.string().describe('The service label value the alerts select'),
    entity: zi
      .record(zi.unknown())
      .describe(
        'The component with the monitoring annotations merged (nothing else changed; fields the catalog adds on reading are dropped), for the built-in catalog:write action',
      ),
  });
}

/**
 * `monitoring:service:render`: adds the monitoring annotations to a component and renders a
 * VMRule with its error-ratio and p95 latency alerts per cluster and environment, after
 * validating it against the operator CRD. The merged entity is an output for `catalog:write`.
 *
 * @public
 */
export function createServiceRenderAction() {
  return createTemplateAction({
    id: 'monitoring:service:render',
    description:
      'Adds the monitoring annotations to a component and renders a VMRule with its error-ratio and p95 latency alerts, validated against the operator CRD',
    examples,
    supportsDryRun: true,
    schema: {
      input: zi => serviceRulesInputSchema(zi),
      output: zi => serviceRenderOutputSchema(zi),
    },
    async handler(ctx) {
      // Parsing with zod applies the defaults and the checks JSON schema cannot express.
      const built = buildServiceRules(ctx.input);
      const { options: o, target } = built;
      const ruleName = built.rule.metadata.name;
      ctx.logger.info(
        `Component ${o.entity.metadata.name}: service "${target.service}", profile ${target.profile}, ` +
          `alerts for ${o.environments.length ? o.environments.join(', ') : 'every environment'}` +
          `${ctx.isDryRun ? ' [dry run]' : ''}`,
      );
      const set = Object.entries(built.annotationsSet);
      ctx.logger.info(
        set.length
          ? `Annotations set: ${set.map(([k, v]) => `${k}=${v}`).join(', ')}`
          : 'Annotations unchanged: the component already names its service',
      );
      for (const a of built.alerts) ctx.logger.info(`${a.alert}: ${a.expr}`);
      const result = await writeManifests({
        workspacePath: ctx.workspacePath,
        outputPath: o.outputPath,
        sets: [{ subdir: '', objects: [built.rule] }],
        secrets: [],
        logger: ctx.logger,
      });
      ctx.output('path', result.path);
      ctx.output('files', result.files);
      ctx.output('ruleName', ruleName);
      ctx.output('ruleCount', built.alerts.length);
      ctx.output('service', target.service);
      ctx.output('entity', built.entity);
    },
  });
}
