/**
 * The input of the monitor-a-service builder as a zod schema: the action uses it as its input
 * schema and the builder parses with it, so both reject the same things (like `inputs.ts` for
 * the hub and the spokes).
 */
import { InputError } from '@backstage/errors';
import { durationPattern } from '@hubspoke/backstage-plugin-monitoring-common';
import { z } from 'zod/v3';
import { ALERTS, NAMESPACE } from './defaults';
import { durationSeconds, ENVIRONMENT } from './inputs';
import { DNS_LABEL, LABEL_VALUE, NAME } from './patterns';
import { sloFields } from './sloInput';
import { optional } from './zodFields';

type Z = typeof z;

/**
 * Defaults: the thresholds and `for` durations of the hub's default service alerts
 * (`ALERTS` in defaults.ts; docs/architecture.md gives no alert thresholds).
 */
export const SERVICE_RULE_DEFAULTS = {
  errorRatioThreshold: ALERTS.errorRatio,
  errorRatioFor: ALERTS.errorRatioFor,
  latencyP95ThresholdSeconds: ALERTS.latencyP95Seconds,
  latencyFor: ALERTS.latencyFor,
  /** Not in docs/architecture.md: ten 30 s scrapes, so a p95 of a low-traffic service is not one request. */
  rateWindow: '5m',
  /**
   * Not in docs/architecture.md: the hub already pages (critical) on every service above the same default
   * thresholds; a team's own rule starts as a warning so one incident does not page twice.
   */
  severity: 'warning',
  namespace: NAMESPACE,
  hubName: 'hub',
  outputPath: 'monitoring',
} as const;

const OUTPUT_PATH = /^(?!\/)(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9._\-/]+$/;
/** The duration grammar (monitoring-common) with one term of s, m or h. */
const SHORT_UNITS = 'smh';
const SHORT_DURATION = new RegExp(durationPattern({ units: SHORT_UNITS }));

const labelValue = (zi: Z) =>
  zi
    .string()
    .regex(
      LABEL_VALUE,
      'must be a Kubernetes label value (letters, digits, -, _, ., at most 63)',
    );

const url = (zi: Z) =>
  zi.string().max(2048, 'must be at most 2048 characters').url('must be a URL');

const duration = (zi: Z, min: number, max: number, range: string) =>
  zi
    .string()
    .regex(SHORT_DURATION, 'must be a duration like 30s, 5m or 1h')
    // Only range-checked once it is a duration, so a bad one gets one message.
    .refine(
      d =>
        !SHORT_DURATION.test(d) ||
        (durationSeconds(d, SHORT_UNITS) >= min &&
          durationSeconds(d, SHORT_UNITS) <= max),
      `must be between ${range}`,
    );

const entitySchema = (zi: Z) =>
  zi
    .object({
      apiVersion: zi
        .string()
        .describe('apiVersion of the entity, e.g. backstage.io/v1alpha1'),
      kind: zi.string().describe('Kind of the entity: Component'),
      metadata: zi
        .object({
          name: zi.string().min(1).describe('Name of the component'),
          namespace: zi
            .string()
            .optional()
            .describe('Catalog namespace of the component (default "default")'),
          annotations: zi
            .record(zi.string())
            .optional()
            .describe(
              'Annotations; backstage.io/kubernetes-* and monitoring/* select the service',
            ),
        })
        .passthrough()
        .describe('Metadata of the component'),
      spec: zi
        .object({
          owner: zi
            .string()
            .optional()
            .describe(
              "Owner of the component; its name is the alerts' team label",
            ),
        })
        .passthrough()
        .optional()
        .describe('Spec of the component'),
    })
    .passthrough();

/** The fields of a service's rules other than the component itself. */
function serviceRulesFields(zi: Z) {
  return zi.object({
    kubernetesId: optional(zi, labelValue(zi)).describe(
      "Sets backstage.io/kubernetes-id (the service label value); omit to keep the component's annotations",
    ),
    defaultKubernetesId: optional(zi, labelValue(zi)).describe(
      'backstage.io/kubernetes-id to add only when kubernetesId is not given and no annotation of the component names a service (templates pass the component name)',
    ),
    profile: zi
      .enum(['', 'http', 'grpc'], {
        errorMap: () => ({ message: 'must be http or grpc' }),
      })
      .optional()
      .describe(
        "Sets monitoring/metrics-profile (http or grpc); omit to keep the component's profile (default http)",
      ),
    dashboardUrl: optional(zi, url(zi)).describe(
      'Sets monitoring/dashboard-url; also the dashboard annotation of the alerts',
    ),
    alertSelector: optional(
      zi,
      zi.string().max(1024, 'must be at most 1024 characters'),
    ).describe(
      "Sets monitoring/alert-selector (k=v,k2!=v2); its k=v matchers become labels of the alerts so the component's alert view finds them",
    ),
    runbookUrl: optional(zi, url(zi)).describe(
      'runbook_url annotation of both alerts',
    ),
    errorRatioThreshold: zi
      .number()
      .min(0.001, 'must be at least 0.001 (0.1%)')
      .max(0.5, 'must be at most 0.5 (50%)')
      .default(SERVICE_RULE_DEFAULTS.errorRatioThreshold)
      .describe(
        'Alert when more than this share of requests fails, per cluster and environment (default 0.05 = 5%)',
      ),
    errorRatioFor: duration(zi, 30, 86400, '30s and 24h')
      .default(SERVICE_RULE_DEFAULTS.errorRatioFor)
      .describe(
        'How long the error ratio must stay above the threshold before the alert fires (default 5m)',
      ),
    latencyP95ThresholdSeconds: zi
      .number()
      .min(0.005, 'must be at least 0.005 s')
      .max(60, 'must be at most 60 s')
      .default(SERVICE_RULE_DEFAULTS.latencyP95ThresholdSeconds)
      .describe(
        'Alert when the p95 request latency is above this many seconds (default 0.5)',
      ),
    latencyFor: duration(zi, 30, 86400, '30s and 24h')
      .default(SERVICE_RULE_DEFAULTS.latencyFor)
      .describe(
        'How long the p95 latency must stay above the threshold before the alert fires (default 10m)',
      ),
    rateWindow: duration(zi, 60, 3600, '1m and 1h')
      .default(SERVICE_RULE_DEFAULTS.rateWindow)
      .describe(
        'Window of the rates both alerts are computed over (default 5m)',
      ),
    severity: zi
      .enum(['critical', 'warning', 'info'])
      .default(SERVICE_RULE_DEFAULTS.severity)
      .describe('severity label of both alerts (default warning)'),
    environments: zi
      .array(
        zi
          .string()
          .regex(
            ENVIRONMENT,
            'must match ^[a-z][a-z0-9-]{0,30}$ (e.g. production)',
          ),
      )
      .max(20, 'at most 20 environments')
      .default([])
      .describe('Environments to alert on; empty: every environment'),
    namespace: zi
      .string()
      .max(63, 'must be at most 63 characters')
      .regex(
        DNS_LABEL,
        "must be a DNS-1123 label (lowercase letters, digits and '-')",
      )
      .default(SERVICE_RULE_DEFAULTS.namespace)
      .describe(
        "Namespace of the VMRule: the hub's namespace (default monitoring)",
      ),
    hubName: zi
      .string()
      .max(40, 'must be at most 40 characters')
      .regex(
        NAME,
        "must be lowercase letters, digits and '-', starting with a letter",
      )
      .default(SERVICE_RULE_DEFAULTS.hubName)
      .describe(
        'Name of the hub whose vmalert loads the rule (its monitoring.backstage.io/hub label)',
      ),
    ruleName: optional(
      zi,
      zi
        .string()
        .max(63, 'must be at most 63 characters')
        .regex(
          DNS_LABEL,
          "must be a DNS-1123 label (lowercase letters, digits and '-')",
        ),
    ).describe(
      'Name of the VMRule and its group (default <component name>-alerts)',
    ),
    outputPath: zi
      .string()
      .regex(
        OUTPUT_PATH,
        "must be a relative path inside the workspace, without '.' or '..' segments",
      )
      .default(SERVICE_RULE_DEFAULTS.outputPath)
      .describe(
        'Workspace folder the VMRule is written to (default monitoring)',
      ),
    ...sloFields(zi),
    pullRequest: zi
      .boolean()
      .default(false)
      .describe(
        "Prepare a pull request on the component's own repository (github.com, or a Gitea host of integrations.gitea): read its descriptor (backstage.io/managed-by-location), merge the annotations into it keeping everything else, and lay it out with the VMRule under the pullRequest output's path for publish:github:pull-request or monitoring:gitea:pull-request",
      ),
  });
}

function noRepeatedEnvironment(
  v: { environments: string[] },
  ctx: z.RefinementCtx,
) {
  if (new Set(v.environments).size !== v.environments.length) {
    ctx.addIssue({
      code: 'custom',
      path: ['environments'],
      message: 'lists an environment twice',
    });
  }
}

/** The builder's input: the component as an object (the action reads it from the catalog). */
export function serviceRulesInputSchema(zi: Z) {
  return serviceRulesFields(zi)
    .extend({
      entity: entitySchema(zi).describe(
        'The component, as read from the catalog',
      ),
    })
    .strict()
    .superRefine((v, ctx) => {
      if (v.entity.kind !== 'Component') {
        ctx.addIssue({
          code: 'custom',
          path: ['entity', 'kind'],
          message: `must be Component, got ${JSON.stringify(v.entity.kind).slice(0, 40)}`,
        });
      }
      noRepeatedEnvironment(v, ctx);
    });
}

/** An entity ref as the catalog writes it: `kind:namespace/name` (kind and namespace optional). */
const ENTITY_REF =
  /^(?:[A-Za-z][A-Za-z0-9-]{0,62}:)?(?:[A-Za-z0-9][A-Za-z0-9._-]{0,62}\/)?[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/**
 * `monitoring:service:render`'s input: the component by its ref, which the action reads from the
 * catalog with the task initiator's credentials (an entity object in the input is never trusted).
 *
 * @public
 */
export function serviceRenderInputSchema(zi: Z) {
  return serviceRulesFields(zi)
    .extend({
      entityRef: zi
        .string()
        .max(255, 'must be at most 255 characters')
        .regex(
          ENTITY_REF,
          'must be an entity ref such as component:default/payments',
        )
        .describe(
          "The component, by its entity ref (e.g. component:default/payments; the EntityPicker's value): read from the catalog as the user who runs the task",
        ),
      hubCluster: optional(
        zi,
        zi
          .string()
          .max(63, 'must be at most 63 characters')
          .regex(
            DNS_LABEL,
            "must be a DNS-1123 label (lowercase letters, digits and '-')",
          ),
      ).describe(
        'The hub cluster the VMRule may be applied to by monitoring:apply in this task (its name in kubernetes.clusterLocatorMethods); without it the render cannot be applied',
      ),
    })
    .strict()
    .superRefine(noRepeatedEnvironment);
}

/**
 * A service's alert-rule input schema (zod), as `monitoring:service:render` validates it.
 *
 * @public
 */
export const serviceRulesSchema = serviceRulesInputSchema(z);

/** @public */
export type ServiceRulesInput = z.input<typeof serviceRulesSchema>;

/**
 * After parsing: defaults applied, '' turned into undefined.
 *
 * @public
 */
export type ServiceRulesOptions = {
  [K in keyof z.output<typeof serviceRulesSchema>]: Exclude<
    z.output<typeof serviceRulesSchema>[K],
    ''
  >;
};

/**
 * The catalog entity a service's rules are rendered for.
 *
 * @public
 */
export type CatalogEntity = ServiceRulesOptions['entity'];

function formatIssues(error: z.ZodError): string {
  return error.issues
    .map(i => `${i.path.length ? i.path.join('.') : '(input)'}: ${i.message}`)
    .join('; ');
}

export function parseServiceRulesInput(raw: unknown): ServiceRulesOptions {
  const result = serviceRulesSchema.safeParse(raw);
  if (!result.success) {
    throw new InputError(
      `Invalid monitor-a-service input: ${formatIssues(result.error)}`,
    );
  }
  const blankAsAbsent = Object.entries(result.data).map(([k, v]) => [
    k,
    v === '' ? undefined : v,
  ]);
  return Object.fromEntries(blankAsAbsent) as ServiceRulesOptions;
}

/**
 * `monitoring:service:render`'s input, parsed: an InputError naming every bad field.
 *
 * @public
 */
export function parseServiceRenderInput(
  raw: unknown,
): z.output<ReturnType<typeof serviceRenderInputSchema>> {
  const result = serviceRenderInputSchema(z).safeParse(raw);
  if (!result.success) {
    throw new InputError(
      `Invalid monitor-a-service input: ${formatIssues(result.error)}`,
    );
  }
  return result.data;
}
