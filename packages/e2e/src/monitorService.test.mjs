// The monitor-a-service template through the running app's scaffolder API: a dry run for the
// example component `payments` fetches it from the real catalog, renders and validates its VMRule
// and writes the annotated component; a bad form value is refused. Run by packages/e2e/src/run.mjs.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { parse } from 'yaml';
import { backend, guestHeaders, waitForTemplate } from './support/app.mjs';

let headers;

before(async () => {
  headers = await guestHeaders();
});

const template = () => waitForTemplate('monitor-a-service', headers);

function dryRun(tmpl, values) {
  return fetch(`${backend}/api/scaffolder/v2/dry-run`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      template: tmpl,
      values,
      secrets: {},
      directoryContents: [],
    }),
  });
}

// The form's defaults, as the page submits them; the optional fields are left empty.
const FORM = {
  component: 'component:default/payments',
  errorRatioThreshold: 0.05,
  errorRatioFor: '5m',
  latencyP95ThresholdSeconds: 0.5,
  latencyFor: '10m',
  severity: 'warning',
  hubNamespace: 'monitoring',
  hubName: 'hub',
};

test(
  'monitor-a-service dry-runs into a VMRule for payments and the annotated component',
  { timeout: 120_000 },
  async () => {
    const res = await dryRun(await template(), FORM);
    const body = await res.json();
    assert.equal(res.status, 200, JSON.stringify(body).slice(0, 800));
    const files = Object.fromEntries(
      body.directoryContents.map(f => [
        f.path,
        Buffer.from(f.base64Content, 'base64').toString('utf8'),
      ]),
    );
    const ruleFile = Object.keys(files).find(f =>
      /^monitoring\/001-vmrule-payments-alerts-[0-9a-f]{6}\.yaml$/.test(f),
    );
    assert.ok(ruleFile, Object.keys(files).join(', '));
    // The rule, the kustomization listing it (GitOps), and the render's seal (what apply trusts).
    assert.deepEqual(Object.keys(files).sort(), [
      'catalog-info.yaml',
      'monitoring/.monitoring/render.json',
      ruleFile,
      'monitoring/kustomization.yaml',
    ]);
    assert.deepEqual(parse(files['monitoring/kustomization.yaml']).resources, [
      ruleFile.slice('monitoring/'.length),
    ]);

    const rule = parse(files[ruleFile]);
    assert.equal(rule.kind, 'VMRule');
    assert.equal(rule.metadata.namespace, 'monitoring');
    assert.equal(rule.metadata.labels['monitoring.backstage.io/hub'], 'hub');
    const rules = rule.spec.groups[0].rules;
    assert.deepEqual(
      rules.map(r => r.alert),
      ['ServiceErrorRatioAboveThreshold', 'ServiceLatencyP95AboveThreshold'],
    );
    // The selector comes from payments' annotations in the catalog (kubernetes-id and namespace).
    const [errors, latency] = rules;
    assert.ok(
      errors.expr.includes(
        'http_requests_total{service="payments",namespace="shop",code=~"5.."}',
      ),
      errors.expr,
    );
    assert.ok(errors.expr.endsWith(' > 0.05'), errors.expr);
    assert.equal(errors.for, '5m');
    assert.ok(
      latency.expr.includes(
        'http_request_duration_seconds_bucket{service="payments",namespace="shop"}',
      ),
      latency.expr,
    );
    assert.ok(latency.expr.endsWith(' > 0.5'), latency.expr);
    assert.deepEqual(errors.labels, {
      service: 'payments',
      severity: 'warning',
      team: 'team-shop',
    });

    // The component as it is in the catalog, annotations kept, nothing the catalog adds on reading.
    const entity = parse(files['catalog-info.yaml']);
    assert.equal(entity.kind, 'Component');
    assert.equal(entity.metadata.name, 'payments');
    assert.equal(entity.spec.owner, 'team-shop');
    assert.equal(
      entity.metadata.annotations['backstage.io/kubernetes-id'],
      'payments',
    );
    assert.equal(
      entity.metadata.annotations['backstage.io/kubernetes-namespace'],
      'shop',
    );
    assert.equal(
      entity.metadata.annotations['backstage.io/managed-by-location'],
      undefined,
    );
    assert.equal(entity.metadata.uid, undefined);
    assert.equal(entity.relations, undefined);

    // The two service alerts, and a page and a ticket alert for each of payments' two objectives.
    assert.match(JSON.stringify(body.output), /6 alerting rules for service/);
    const log = body.log.map(l => l.body.message ?? '').join('\n');
    assert.match(
      log,
      /Component payments: service "payments", profile http, alerts for every environment/,
    );
  },
);

test(
  'a bad form value is refused with the field named',
  { timeout: 120_000 },
  async () => {
    const tmpl = await template();
    for (const [field, value] of [
      ['errorRatioThreshold', 5],
      ['latencyFor', '10 minutes'],
    ]) {
      const res = await dryRun(tmpl, { ...FORM, [field]: value });
      const text = await res.text();
      assert.notEqual(res.status, 200, text.slice(0, 300));
      assert.match(text, new RegExp(field));
    }
  },
);

test(
  "a dry run on another team's component is refused before anything is rendered",
  { timeout: 120_000 },
  async () => {
    // search belongs to team-search; the local guest is in team-shop and team-platform.
    const res = await dryRun(await template(), {
      ...FORM,
      component: 'component:default/search',
    });
    const text = await res.text();
    assert.notEqual(res.status, 200, text.slice(0, 300));
    assert.match(
      text,
      /user:default\/guest may not change the alert rules of component:default\/search: permission monitoring\.rules\.write on component:default\/search was denied/,
    );
    assert.doesNotMatch(text, /vmrule-search-alerts/);
  },
);
