import fs from 'node:fs';
import path from 'node:path';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { parseSloAnnotations } from '@hubspoke/backstage-plugin-monitoring-common';
import { parse, parseAllDocuments } from 'yaml';
import {
  expectDocumentedAction,
  listFiles,
  mockContext,
} from '../__testUtils__/actions';
import { testAuthorization } from '../__testUtils__/authorization';
import { createServiceRenderAction } from './serviceRender';
import { examples } from './serviceRender.examples';

/** The example catalog the app and the demo stack use. */
const COMPONENTS: Array<Record<string, any>> = parseAllDocuments(
  fs.readFileSync(
    path.resolve(__dirname, '../../../../examples/components.yaml'),
    'utf8',
  ),
).map(d => d.toJS());

/** The example component as the catalog serves it: plus the fields the catalog adds. */
function catalogEntity(name: string) {
  const source = COMPONENTS.find(c => c.metadata.name === name);
  if (!source) throw new Error(`no example component ${name}`);
  return {
    ...source,
    metadata: {
      namespace: 'default',
      ...source.metadata,
      uid: 'c0ffee00-0000-4000-8000-000000000000',
      etag: '0123abcd',
      annotations: {
        ...source.metadata.annotations,
        'backstage.io/managed-by-location':
          'file:/srv/backstage/examples/all.yaml',
        'backstage.io/managed-by-origin-location':
          'file:/srv/backstage/examples/all.yaml',
      },
    },
    relations: [
      { type: 'ownedBy', targetRef: `group:default/${source.spec.owner}` },
    ],
  } as Entity;
}

const CATALOG = COMPONENTS.map(c => catalogEntity(c.metadata.name));

/** The render step's input and the component it names. */
function renderStep(example: string) {
  const { steps } = parse(example);
  const render = steps.find(
    (s: any) => s.action === 'monitoring:service:render',
  );
  const write = steps.find((s: any) => s.action === 'catalog:write');
  const name = String(render.input.entityRef).split('/').pop();
  return {
    input: render.input as Record<string, any>,
    source: COMPONENTS.find(c => c.metadata.name === name)!,
    write,
  };
}

describe('monitoring:service:render', () => {
  const mockDir = createMockDirectory();
  const action = createServiceRenderAction({
    authorization: testAuthorization({ entities: CATALOG }).authorization,
  });

  beforeEach(() => mockDir.clear());

  // eslint-disable-next-line jest/expect-expect -- asserts in expectDocumentedAction
  it('describes every input and output field', () => {
    expectDocumentedAction(action, 'monitoring:service:render');
  });

  it.each(examples.map(e => [e.description, e.example]))(
    'runs the example: %s',
    async (_d, example) => {
      const { input, source, write } = renderStep(example);
      const workspace = mockDir.resolve('workspace');
      const { ctx, outputs, logged } = mockContext(workspace, input);
      await action.handler(ctx);

      // One validated VMRule, written where the outputs say.
      const outputPath = input.outputPath ?? 'monitoring';
      // The action says which rule it wrote: the given name, or one made from the entity's.
      const ruleName = outputs.ruleName;
      const generatedName = expect.stringMatching(
        new RegExp(`^${source.metadata.name}-alerts-[0-9a-f]{6}$`),
      );
      expect(ruleName).toEqual(input.ruleName ?? generatedName);
      // The rule, the kustomization listing it, and the render's seal (for apply).
      expect(listFiles(workspace).sort()).toEqual([
        `${outputPath}/.monitoring/render.json`,
        `${outputPath}/001-vmrule-${ruleName}.yaml`,
        `${outputPath}/kustomization.yaml`,
      ]);
      expect(outputs).toMatchObject({
        path: outputPath,
        files: [`${outputPath}/001-vmrule-${ruleName}.yaml`],
        ruleName,
        // The two service alerts, and a page and a ticket alert per objective.
        ruleCount:
          2 +
          2 *
            parseSloAnnotations({
              ...source.metadata.annotations,
              ...outputs.entity.metadata.annotations,
            }).objectives.length,
      });
      const rule = parse(
        fs.readFileSync(path.join(workspace, outputs.files[0]), 'utf8'),
      );
      expect(rule.kind).toBe('VMRule');
      expect(rule.metadata.namespace).toBe(input.namespace ?? 'monitoring');
      expect(rule.metadata.labels['monitoring.backstage.io/hub']).toBe(
        input.hubName ?? 'hub',
      );
      const rules = rule.spec.groups[0].rules;
      expect(rules.map((r: any) => r.alert)).toEqual([
        'ServiceErrorRatioAboveThreshold',
        'ServiceLatencyP95AboveThreshold',
      ]);
      // With objectives: the SLI group (windows and burn-rate alerts) and the period's group.
      const objectives = parseSloAnnotations(
        outputs.entity.metadata.annotations,
      ).objectives;
      expect(rule.spec.groups.map((g: any) => g.name)).toEqual(
        objectives.length
          ? [ruleName, `${ruleName}-slo`, `${ruleName}-slo-period`]
          : [ruleName],
      );

      // The selector comes from the entity's annotations (or the kubernetes id the example sets).
      const service =
        source.metadata.annotations?.['backstage.io/kubernetes-id'] ??
        source.metadata.name;
      expect(outputs.service).toBe(service);
      const metric =
        input.profile === 'grpc'
          ? 'grpc_server_handling_seconds_bucket'
          : 'http_request_duration_seconds_bucket';
      const namespace =
        source.metadata.annotations?.['backstage.io/kubernetes-namespace'];
      const environments: string[] = input.environments ?? [];
      const matchers = [
        `service="${service}"`,
        ...(namespace ? [`namespace="${namespace}"`] : []),
        ...(environments.length === 1
          ? [`environment="${environments[0]}"`]
          : []),
      ];
      expect(rules[1].expr).toContain(`${metric}{${matchers.join(',')}}`);
      expect(
        rules[0].expr.endsWith(` > ${input.errorRatioThreshold ?? 0.05}`),
      ).toBe(true);
      expect(
        rules[1].expr.endsWith(` > ${input.latencyP95ThresholdSeconds ?? 0.5}`),
      ).toBe(true);
      expect(rules[0].labels).toMatchObject({
        service,
        severity: input.severity ?? 'warning',
      });

      // The entity for catalog:write: the source component plus the annotations, nothing else.
      expect(write.input.entity).toBe('${{ steps.render.output.entity }}');
      const added = {
        ...(input.profile
          ? { 'monitoring/metrics-profile': input.profile }
          : {}),
        ...(input.dashboardUrl
          ? { 'monitoring/dashboard-url': input.dashboardUrl }
          : {}),
        ...(input.alertSelector
          ? { 'monitoring/alert-selector': input.alertSelector }
          : {}),
        ...(source.metadata.annotations?.['backstage.io/kubernetes-id']
          ? {}
          : { 'backstage.io/kubernetes-id': service }),
        ...(input.sloAvailability
          ? { 'monitoring/slo-availability': input.sloAvailability }
          : {}),
        ...(input.sloLatency
          ? {
              'monitoring/slo-latency': input.sloLatency,
              'monitoring/slo-latency-threshold': input.sloLatencyThreshold,
            }
          : {}),
        ...(input.sloPeriod
          ? { 'monitoring/slo-period': input.sloPeriod }
          : {}),
      };
      expect(outputs.entity).toEqual({
        ...source,
        metadata: {
          namespace: 'default',
          ...source.metadata,
          annotations: { ...source.metadata.annotations, ...added },
        },
      });
      expect(
        logged.some(l =>
          l.includes(`VMRule/${rule.metadata.namespace}/${ruleName}`),
        ),
      ).toBe(true);
    },
  );

  it('renders in a dry run too (into the dry-run workspace)', async () => {
    const workspace = mockDir.resolve('dry');
    const { ctx, outputs, logged } = mockContext(
      workspace,
      renderStep(examples[0].example).input,
      true,
    );
    await action.handler(ctx);
    expect(outputs.ruleCount).toBe(
      2 +
        2 *
          parseSloAnnotations(outputs.entity.metadata.annotations).objectives
            .length,
    );
    expect(logged.some(l => l.includes('[dry run]'))).toBe(true);
    expect(
      listFiles(workspace).filter(f => /\/\d{3}-.*\.yaml$/.test(f)),
    ).toEqual(outputs.files);
  });

  const payments = () =>
    renderStep(examples[0].example).input as Record<string, any>;
  /** payments as the catalog serves it once `patch` changed it. */
  const withEntity = (patch: (e: any) => void) => {
    const entity = structuredClone(catalogEntity('payments'));
    patch(entity);
    return { entityRef: stringifyEntityRef(entity), catalog: entity };
  };

  it.each<[string, Record<string, unknown>, string | RegExp]>([
    ['no entity', { entityRef: undefined }, 'entityRef: Required'],
    [
      'an entity ref that is not one',
      { entityRef: 'component:default/pay ments' },
      'entityRef: must be an entity ref',
    ],
    [
      'a component the catalog does not have',
      { entityRef: 'component:default/nowhere' },
      'component:default/nowhere is not in the catalog',
    ],
    [
      'an entity object in the input (never trusted)',
      { entity: catalogEntity('payments') },
      "Unrecognized key(s) in object: 'entity'",
    ],
    [
      'an entity that is not a Component',
      withEntity(e => {
        e.kind = 'Resource';
        e.metadata.name = 'payments-resource';
      }),
      'entity.kind: must be Component',
    ],
    [
      'an entity with no way to select the service',
      withEntity(e => (e.metadata.annotations = {})),
      'pass kubernetesId',
    ],
    [
      'a label selector that names no service',
      withEntity(
        e =>
          (e.metadata.annotations = {
            'backstage.io/kubernetes-label-selector': 'tier=api',
          }),
      ),
      'must select on',
    ],
    [
      'a kubernetes id that is no label value',
      { kubernetesId: 'pay ments' },
      'kubernetesId',
    ],
    [
      'an error ratio of 0',
      { errorRatioThreshold: 0 },
      'errorRatioThreshold: must be at least 0.001',
    ],
    [
      'an error ratio above 50%',
      { errorRatioThreshold: 5 },
      'errorRatioThreshold: must be at most 0.5',
    ],
    [
      'a p95 threshold of 2 minutes',
      { latencyP95ThresholdSeconds: 120 },
      'latencyP95ThresholdSeconds: must be at most 60',
    ],
    [
      'a duration without a unit',
      { errorRatioFor: '5' },
      /input: errorRatioFor: must be a duration like 30s, 5m or 1h$/,
    ],
    ['a for of 2 days', { latencyFor: '2d' }, 'latencyFor: must be a duration'],
    [
      'a rate window of 10s',
      { rateWindow: '10s' },
      'rateWindow: must be between 1m and 1h',
    ],
    ['an unknown severity', { severity: 'page' }, 'severity'],
    [
      'an environment that is not a name',
      { environments: ['Prod!'] },
      'environments.0: must match',
    ],
    [
      'an environment twice',
      { environments: ['production', 'production'] },
      'lists an environment twice',
    ],
    [
      'a namespace with capitals',
      { namespace: 'Monitoring' },
      'namespace: must be a DNS-1123 label',
    ],
    [
      'a rule name with an underscore',
      { ruleName: 'payments_alerts' },
      'ruleName',
    ],
    [
      'an output path leaving the workspace',
      { outputPath: '../elsewhere' },
      'outputPath: must be a relative path',
    ],
    [
      'a runbook URL that is not a URL',
      { runbookUrl: 'runbooks/payments' },
      'runbookUrl',
    ],
    [
      'a dashboard URL with a template',
      { dashboardUrl: 'https://grafana.example.com/d/x?q={{ query "up" }}' },
      'dashboardUrl: must not contain {{ or }}',
    ],
    [
      'an unknown profile',
      { profile: 'worker' },
      'profile: must be http or grpc',
    ],
    [
      'an unknown field',
      { thresholds: { errors: 0.1 } },
      "Unrecognized key(s) in object: 'thresholds'",
    ],
  ])(
    'rejects %s with an InputError and writes nothing',
    async (_what, patch, message) => {
      const workspace = mockDir.resolve('bad');
      const { catalog, ...input } = patch;
      const { ctx } = mockContext(workspace, { ...payments(), ...input });
      const run = createServiceRenderAction({
        authorization: testAuthorization({
          // The patched entity replaces the example of the same name.
          entities: catalog
            ? [
                ...CATALOG.filter(
                  e => e.metadata.name !== (catalog as Entity).metadata.name,
                ),
                catalog as Entity,
              ]
            : CATALOG,
        }).authorization,
      }).handler(ctx);
      await expect(run).rejects.toThrow(InputError);
      await expect(run).rejects.toThrow(message);
      expect(listFiles(workspace)).toEqual([]);
    },
  );
});
