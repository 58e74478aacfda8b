/**
 * The software templates in the repository's `templates/` against the actions they call: every
 * parameter a step reads exists, every default passes its own field's validation, every step
 * output read comes from an earlier step, and each `monitoring:*` step's input (filled from the
 * form's defaults) is accepted by the action's schema. A renamed action input or form field fails
 * here instead of in a user's scaffolder run.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { startTestBackend } from '@backstage/backend-test-utils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { parse, parseAllDocuments } from 'yaml';
import {
  InvalidSloError,
  parseSloPeriod,
  parseSloTarget,
  parseSloThreshold,
} from '@hubspoke/backstage-plugin-monitoring-common';
import scaffolderModuleMonitoring from './index';

const TEMPLATES_DIR = path.resolve(__dirname, '../../../templates');

/** Form values for required fields that have no default, as a user would enter them. */
const SAMPLE_VALUES: Record<string, unknown> = {
  grafanaDomain: 'grafana.example.com',
  clusterName: 'prod-eu-1',
  environment: 'production',
  component: 'component:default/payments',
  repoUrl: 'github.com?owner=example&repo=monitoring',
};

/** Outputs of built-in steps, as they would be at run time: the payments example component. */
const SAMPLE_STEP_OUTPUTS: Record<string, unknown> = {
  'steps.fetch.output.entity': parseAllDocuments(
    fs.readFileSync(
      path.resolve(__dirname, '../../../examples/components.yaml'),
      'utf8',
    ),
  )
    .map(d => d.toJS())
    .find(e => e?.metadata?.name === 'payments'),
};

const EXPRESSION = /\$\{\{\s*(.+?)\s*\}\}/g;

interface FormField {
  type?: string;
  default?: unknown;
  pattern?: string;
  enum?: unknown[];
  examples?: unknown[];
  minimum?: number;
  maximum?: number;
}

function loadTemplates() {
  return fs
    .readdirSync(TEMPLATES_DIR)
    .filter(dir =>
      fs.existsSync(path.join(TEMPLATES_DIR, dir, 'template.yaml')),
    )
    .map(dir => ({
      dir,
      doc: parse(
        fs.readFileSync(path.join(TEMPLATES_DIR, dir, 'template.yaml'), 'utf8'),
      ),
    }));
}

function formFields(doc: any): Record<string, FormField> {
  const pages = Array.isArray(doc.spec.parameters)
    ? doc.spec.parameters
    : [doc.spec.parameters];
  const out: Record<string, FormField> = {};
  const collect = (schema: any) => {
    Object.assign(out, schema?.properties ?? {});
    for (const branch of [
      ...(schema?.dependencies ? Object.values<any>(schema.dependencies) : []),
    ]) {
      for (const alt of branch.oneOf ?? branch.allOf ?? [branch]) collect(alt);
    }
    for (const alt of schema?.allOf ?? []) collect(alt.then ?? alt);
  };
  pages.forEach(collect);
  return out;
}

function sampleValue(name: string, field: FormField | undefined): unknown {
  if (name in SAMPLE_VALUES) return SAMPLE_VALUES[name];
  if (field?.default !== undefined) return field.default;
  if (field?.examples?.length) return field.examples[0];
  if (field?.enum?.length) return field.enum[0];
  if (field?.type === 'boolean') return false;
  if (field?.type === 'number') return 1;
  return 'sample';
}

/** A stand-in of the type the action's schema expects, for a value only known at run time. */
function standIn(schema: any): unknown {
  const type = Array.isArray(schema?.type) ? schema.type[0] : schema?.type;
  if (type === 'object') return {};
  if (type === 'array') return [];
  if (type === 'number' || type === 'integer') return 1;
  if (type === 'boolean') return true;
  return 'filled';
}

/**
 * The step input with `${{ parameters.x }}` filled in from the form; other expressions (step
 * outputs, secrets) become stand-ins of the type the action's schema expects there.
 */
function fillInput(
  value: unknown,
  fields: Record<string, FormField>,
  schema?: any,
): unknown {
  if (typeof value === 'string') {
    const whole = /^\$\{\{\s*parameters\.(\w+)\s*\}\}$/.exec(value);
    if (whole) return sampleValue(whole[1], fields[whole[1]]);
    const expr = /^\$\{\{\s*([^}]*?)\s*\}\}$/.exec(value);
    if (expr && expr[1] in SAMPLE_STEP_OUTPUTS)
      return SAMPLE_STEP_OUTPUTS[expr[1]];
    if (expr) return standIn(schema);
    return value.replace(EXPRESSION, 'filled');
  }
  if (Array.isArray(value))
    return value.map(v => fillInput(v, fields, schema?.items));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        fillInput(v, fields, schema?.properties?.[k]),
      ]),
    );
  }
  return value;
}

describe('software templates', () => {
  const templates = loadTemplates();
  let actions: Map<string, any>;

  beforeAll(async () => {
    const addActions = jest.fn();
    const backend = await startTestBackend({
      extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
      features: [scaffolderModuleMonitoring],
    });
    actions = new Map(addActions.mock.calls.flat().map((a: any) => [a.id, a]));
    await backend.stop();
  });

  it('finds the three templates', () => {
    expect(templates.map(t => t.doc.metadata.name).sort()).toEqual([
      'monitor-a-service',
      'monitoring-hub',
      'monitoring-spoke',
    ]);
  });

  describe.each(loadTemplates().map(t => [t.dir, t.doc] as const))(
    '%s',
    (_dir, doc) => {
      const fields = formFields(doc);

      it('has defaults that pass their own field validation', () => {
        const bad: string[] = [];
        for (const [name, f] of Object.entries(fields)) {
          if (f.default === undefined) continue;
          if (f.pattern && !new RegExp(f.pattern).test(String(f.default)))
            bad.push(`${name}: pattern`);
          if (f.enum && !f.enum.includes(f.default)) bad.push(`${name}: enum`);
          if (
            typeof f.default === 'number' &&
            ((f.minimum ?? -Infinity) > f.default ||
              (f.maximum ?? Infinity) < f.default)
          ) {
            bad.push(`${name}: range`);
          }
        }
        expect(bad).toEqual([]);
      });

      it('reads only form fields that exist and outputs of earlier steps', () => {
        const problems: string[] = [];
        const seen = new Set<string>();
        const check = (value: unknown, where: string) => {
          const text = JSON.stringify(value) ?? '';
          for (const [, expr] of text.matchAll(EXPRESSION)) {
            for (const [, name] of expr.matchAll(/\bparameters\.(\w+)/g)) {
              if (!(name in fields))
                problems.push(
                  `${where}: parameters.${name} is not a form field`,
                );
            }
            for (const [, id] of expr.matchAll(
              /\bsteps(?:\.|\[['"])([\w-]+)/g,
            )) {
              if (!seen.has(id))
                problems.push(`${where}: steps.${id} is not an earlier step`);
            }
          }
        };
        for (const step of doc.spec.steps) {
          check({ if: step.if, input: step.input }, `step ${step.id}`);
          seen.add(step.id);
        }
        check(doc.spec.output, 'output');
        expect(problems).toEqual([]);
      });

      it('gives every monitoring step an input its action accepts', () => {
        const ajv = new Ajv({
          strict: false,
          allErrors: true,
          validateFormats: false,
        });
        const ours = doc.spec.steps.filter((s: any) =>
          String(s.action).startsWith('monitoring:'),
        );
        expect(ours.length).toBeGreaterThan(0);
        const problems: string[] = [];
        for (const step of ours) {
          const action = actions.get(step.action);
          if (!action) {
            problems.push(`step ${step.id}: no action ${step.action}`);
            continue;
          }
          const validate = ajv.compile(action.schema.input);
          if (!validate(fillInput(step.input, fields, action.schema.input))) {
            problems.push(
              `step ${step.id}: ${ajv.errorsText(validate.errors)}`,
            );
          }
        }
        expect(problems).toEqual([]);
      });
    },
  );

  it("monitor-a-service's SLO fields accept and refuse what the SLO grammar does", () => {
    const doc = loadTemplates().find(t => t.dir === 'monitor-a-service')!.doc;
    const fields = formFields(doc);
    const accepts = (field: string, value: string) =>
      new RegExp(fields[field].pattern!).test(value);
    const parses = (parser: (v: string) => unknown, value: string) => {
      try {
        parser(value);
        return true;
      } catch (e) {
        if (e instanceof InvalidSloError) return false;
        throw e;
      }
    };
    const targets = [
      '99.9',
      '99',
      '50',
      '99.9999',
      '100',
      '49.9',
      '99.99999',
      '99.9%',
      '0.999',
      '',
    ];
    for (const field of ['sloAvailability', 'sloLatency'])
      expect(targets.map(v => [v, accepts(field, v)])).toEqual(
        targets.map(v => [v, parses(t => parseSloTarget(t, field), v)]),
      );
    const thresholds = ['500ms', '1s', '60s', '250ms', '2m', '0.5s', '61s'];
    // The form checks the shape; the range (1ms to 60s) is the action's to refuse.
    expect(thresholds.filter(v => accepts('sloLatencyThreshold', v))).toEqual([
      '500ms',
      '1s',
      '60s',
      '250ms',
      '61s',
    ]);
    expect(thresholds.filter(v => parses(parseSloThreshold, v))).toEqual([
      '500ms',
      '1s',
      '60s',
      '250ms',
    ]);
    for (const period of fields.sloPeriod.enum as string[])
      expect(parses(parseSloPeriod, period)).toBe(true);
  });
});
