import fs from 'node:fs/promises';
import path from 'node:path';
import {
  resolveSafeChildPath,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { serviceIdentity } from '@hubspoke/backstage-plugin-monitoring-common';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { z } from 'zod/v3';
import { ScmIntegrationRegistry } from '@backstage/integration';
import {
  descriptorLocation,
  mergeAnnotationsIntoDescriptor,
  buildServiceRules,
  parseServiceRenderInput,
  serviceRenderInputSchema,
  ServiceRulesInput,
} from '@hubspoke/backstage-plugin-monitoring-manifests';
import { InitiatorAuthorization } from './initiatorAuthorization';
import { examples } from './serviceRender.examples';
import { RenderSeal } from '../apply/seal';
import { writeManifests } from './writeManifests';

function serviceRenderOutputSchema(zi: typeof z) {
  return zi.object({
    path: zi
      .string()
      .describe('Folder the VMRule was written to, relative to the workspace'),
    files: zi
      .array(zi.string())
      .describe('Written manifest files, relative to the workspace'),
    ruleName: zi.string().describe("Name of the VMRule (namespace: the hub's)"),
    ruleCount: zi
      .number()
      .describe(
        'Number of alerting rules in the VMRule: the two service alerts and two burn-rate alerts per objective',
      ),
    service: zi.string().describe('The service label value the alerts select'),
    entity: zi
      .record(zi.unknown())
      .describe(
        'The component with the monitoring annotations merged (nothing else changed; fields the catalog adds on reading are dropped), for the built-in catalog:write action',
      ),
    pullRequest: zi
      .object({
        provider: zi
          .enum(['github', 'gitea'])
          .describe(
            "Where the component's repository is hosted: github (publish:github:pull-request) or gitea (monitoring:gitea:pull-request)",
          ),
        repoUrl: zi
          .string()
          .describe(
            "The component's repository, as the pull request action's repoUrl (<host>?owner=<owner>&repo=<repo>)",
          ),
        branch: zi
          .string()
          .describe(
            "The branch its descriptor was read from: the pull request's target",
          ),
        descriptorPath: zi
          .string()
          .describe("The descriptor's path in the repository"),
        path: zi
          .string()
          .describe(
            "Workspace folder laid out as the repository: the pull request's sourcePath",
          ),
      })
      .optional()
      .describe('With pullRequest: where and what the pull request changes'),
  });
}

/** Workspace folder laid out like the component's repository, for the pull request. */
const PULL_REQUEST_DIR = 'pull-request';
/** Descriptors are small; a larger file is not one. */
const MAX_DESCRIPTOR_BYTES = 1024 * 1024;

/** @public */
export interface ServiceRenderActionOptions {
  /** Reads the component and checks `monitoring.rules.write` as the task's initiator. */
  authorization: InitiatorAuthorization;
  /** Reads the component's descriptor for a pull request (Backstage's URL reader). */
  urlReader?: UrlReaderService;
  /**
   * `integrations`: a component registered from a file on one of its Gitea hosts gets its pull
   * request there (without it, only github.com).
   */
  integrations?: ScmIntegrationRegistry;
  /** Seals what is written so only that can be applied; by default one per process. */
  seal?: RenderSeal;
}

/** The alerting rules of a VMRule, over all its groups. */
function alertingRuleCount(rule: object): number {
  const groups = (rule as { spec?: { groups?: Array<{ rules: object[] }> } })
    .spec?.groups;
  return (groups ?? []).flatMap(g => g.rules).filter(r => 'alert' in r).length;
}

/**
 * `monitoring:service:render`: adds the monitoring annotations to a component and renders a
 * VMRule with its error-ratio and p95 latency alerts per cluster and environment, after
 * validating it against the operator CRD. The merged entity is an output for `catalog:write`.
 *
 * @public
 */
export function createServiceRenderAction(options: ServiceRenderActionOptions) {
  const giteaHosts = (options.integrations?.gitea.list() ?? []).map(g => ({
    host: g.config.host,
    baseUrl: g.config.baseUrl ?? `https://${g.config.host}`,
  }));
  return createTemplateAction({
    id: 'monitoring:service:render',
    description:
      'Adds the monitoring annotations to a component and renders a VMRule with its error-ratio and p95 latency alerts, validated against the operator CRD',
    examples,
    supportsDryRun: true,
    schema: {
      input: zi => serviceRenderInputSchema(zi),
      output: zi => serviceRenderOutputSchema(zi),
    },
    async handler(ctx) {
      // Parsed first (as the builder parses): bad input is an InputError before the catalog.
      const { entityRef, hubCluster, ...fields } = parseServiceRenderInput(
        ctx.input,
      );
      // Before anything is read or written: the initiator may change this service's rules, and
      // the component is the catalog's, as they may read it (never an object from the input).
      const credentials = await ctx.getInitiatorCredentials();
      const catalogEntity = await options.authorization.component(
        entityRef,
        credentials,
      );
      // Parsing with zod applies the defaults and the checks JSON schema cannot express.
      const built = buildServiceRules({
        ...fields,
        entity: catalogEntity as ServiceRulesInput['entity'],
      });
      const { options: o, target } = built;
      // The service the rules select once the input's annotations are merged (kubernetesId may
      // name another one): its other owners must allow it too, before anything is written.
      const identity = serviceIdentity(built.entity as Entity);
      await options.authorization.serviceOwners(
        catalogEntity,
        identity,
        credentials,
      );
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
      ctx.logger.info(
        built.slos.objectives.length
          ? `Service level objectives over ${built.slos.period}: ${built.slos.objectives
              .map(
                so =>
                  `${so.slo} ${Number((so.target * 100).toPrecision(6))}%${
                    so.thresholdSeconds !== undefined
                      ? ` under ${Number((so.thresholdSeconds * 1000).toPrecision(6))}ms`
                      : ''
                  }`,
              )
              .join(
                ', ',
              )} (SLI recording rules and burn-rate alerts in ${built.sloGroups
              .map(g => g.name)
              .join(', ')})`
          : 'No service level objectives (no monitoring/slo-* annotations): no SLO rules',
      );
      // Checked before anything is written: a pull request needs a descriptor on GitHub or on
      // a Gitea of integrations.gitea.
      const location = o.pullRequest
        ? descriptorLocation(o.entity.metadata.annotations, { giteaHosts })
        : undefined;
      const outputPath = location
        ? path.posix.join(PULL_REQUEST_DIR, o.outputPath)
        : o.outputPath;
      const descriptorDir = location
        ? path.posix.dirname(location.path)
        : undefined;
      if (
        descriptorDir &&
        (descriptorDir === o.outputPath ||
          descriptorDir.startsWith(`${o.outputPath}/`))
      ) {
        // The rendered folder holds only Kubernetes objects (GitOps and apply read all of it).
        throw new InputError(
          `outputPath "${o.outputPath}" holds the component's descriptor ${location!.path}: choose an outputPath beside it`,
        );
      }
      const result = await writeManifests({
        workspacePath: ctx.workspacePath,
        outputPath,
        sets: [
          {
            subdir: '',
            objects: [built.rule],
            cluster: hubCluster || undefined,
          },
        ],
        task: ctx.task.id,
        entityRef: stringifyEntityRef(catalogEntity),
        identity,
        secrets: [],
        logger: ctx.logger,
        seal: options.seal ?? RenderSeal.forProcess(),
      });
      ctx.output('path', result.path);
      ctx.output('files', result.files);
      ctx.output('ruleName', ruleName);
      ctx.output('ruleCount', alertingRuleCount(built.rule));
      ctx.output('service', target.service);
      ctx.output('entity', built.entity);

      if (location && ctx.isDryRun) {
        // A dry run makes no request on the user's behalf with the backend's integrations.
        ctx.logger.info(
          `Dry run: the pull request would merge the annotations into ${location.path}; the descriptor was not read`,
        );
      } else if (location) {
        if (!options.urlReader)
          throw new InputError(
            'pullRequest needs the URL reader (the module passes it)',
          );
        ctx.logger.info(`Reading the component's descriptor ${location.url}`);
        const response = await options.urlReader.readUrl(location.url);
        const buffer = await response.buffer();
        if (buffer.length > MAX_DESCRIPTOR_BYTES)
          throw new InputError(`${location.url} is larger than 1 MiB`);
        const merged = mergeAnnotationsIntoDescriptor(
          buffer.toString('utf8'),
          {
            kind: o.entity.kind,
            namespace: o.entity.metadata.namespace,
            name: o.entity.metadata.name,
          },
          // Only what this action sets: the rest of the file stays the team's.
          built.annotationsSet,
        );
        const file = resolveSafeChildPath(
          ctx.workspacePath,
          path.posix.join(PULL_REQUEST_DIR, location.path),
        );
        await fs.mkdir(path.dirname(file), { recursive: true });
        await fs.writeFile(file, merged, 'utf8');
        ctx.logger.info(
          `Annotations merged into ${location.path}; the pull request targets ${location.branch}`,
        );
        ctx.output('pullRequest', {
          provider: location.provider,
          repoUrl: location.repoUrl,
          branch: location.branch,
          descriptorPath: location.path,
          path: PULL_REQUEST_DIR,
        });
      }
    },
  });
}
