// The templates' "Apply" through the running app's scaffolder, for real (not dry-run), to the
// local stack's real Kubernetes clusters (kube-apiserver with kwok nodes; the VictoriaMetrics
// operator's status simulated by kwok stages), with the apply ServiceAccount's token of each
// cluster (MONITORING_APPLY_TOKEN_<CLUSTER> in the app's monitoring.apply.clusters). The hub
// first, as a platform team would; then a spoke joins it. Checks what reached the clusters, read
// as their admin - the spoke's vmagent, the hub-side VMUser, one generated password on both
// sides, the operator-provided database password - that the hub's run shows its readiness
// progress, and that no secret value is in the task's log or output.
//
// The stack keeps running between test runs, so the clusters may hold what an earlier run
// applied: a first apply creates, a later one finds objects unchanged (or configured).
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { guestHeaders, runTask, waitForTemplate } from './support/app.mjs';
import { kubeList, kubeRead } from './support/kube.mjs';

const clusters = JSON.parse(process.env.MONITORING_KUBE_CLUSTERS ?? '{}');
const OPERATOR =
  '/apis/operator.victoriametrics.com/v1beta1/namespaces/monitoring';
let headers;

before(async () => {
  assert.ok(
    clusters['hub-cluster'] && clusters['dev-cluster'],
    'MONITORING_KUBE_CLUSTERS is not set: run through packages/e2e/src/run.mjs with the local stack started',
  );
  headers = await guestHeaders();
});

/** A collection from a local cluster, read as its admin. */
const list = (cluster, apiPath) => kubeList(cluster, apiPath);

/** The task's log lines. */
const logLines = events =>
  events.map(e => e.body?.message).filter(m => typeof m === 'string');

// What an operator pastes into the form's secret field (flow YAML fits its one line).
const ALERTMANAGER_CONFIG =
  '{route: {receiver: ops}, receivers: [{name: ops}]}';
const decode = value => Buffer.from(value, 'base64').toString('utf8');

/** Runs a template as a task once the catalog has its version with the Apply page. */
async function runApplyTask(template, values, secrets = {}) {
  await waitForTemplate(template, headers, e =>
    e.spec.parameters.some(p => p.properties?.apply),
  );
  return runTask(headers, template, values, secrets);
}

test(
  "the hub template applies the hub with the database password and Alertmanager configuration from the form's secret fields, and its run shows the readiness progress",
  { timeout: 300_000 },
  async () => {
    const databasePassword = `E2e-Db-${Date.now().toString(36)}-Secret`;
    // A retention other than the live one, so the VMCluster changes in every run (created on a
    // fresh stack, configured after) and the wait has a generation to see the operator observe.
    const live = await kubeRead('hub-cluster', `${OPERATOR}/vmclusters/hub`);
    const retention = live?.spec?.retentionPeriod === '15d' ? '16d' : '15d';
    const { status, log, events } = await runApplyTask(
      'monitoring-hub',
      {
        name: 'hub',
        clusterName: 'hub-cluster',
        namespace: 'monitoring',
        grafanaDomain: 'grafana.example.com',
        storageClass: 'gp3',
        sharedStorageClass: 'efs',
        retention,
        secretStrategy: 'kubernetes',
        apply: true,
        databaseHost: 'postgres.example.internal:5432',
        waitTimeout: '2m',
      },
      { databasePassword, alertmanagerConfig: ALERTMANAGER_CONFIG },
    );
    assert.equal(status, 'completed', log.slice(-2000));

    const secrets = await list(
      'hub-cluster',
      '/api/v1/namespaces/monitoring/secrets',
    );
    const database = secrets.find(
      s => s.metadata.name === 'hub-grafana-database',
    );
    assert.equal(decode(database.data.password), databasePassword);
    assert.equal(decode(database.data.host), 'postgres.example.internal:5432');
    const alertmanager = secrets.find(
      s => s.metadata.name === 'hub-alertmanager',
    );
    assert.equal(
      decode(alertmanager.data['alertmanager.yaml']),
      ALERTMANAGER_CONFIG,
    );
    const vmCluster = await kubeRead(
      'hub-cluster',
      `${OPERATOR}/vmclusters/hub`,
    );
    assert.equal(vmCluster.spec.retentionPeriod, retention);
    assert.equal(vmCluster.status.updateStatus, 'operational');
    assert.equal(
      vmCluster.status.observedGeneration,
      vmCluster.metadata.generation,
    );

    // The readiness progress: the VMCluster waited for (its new generation not yet observed,
    // or the operator still expanding), then each of the hub's workloads ready.
    const lines = logLines(events);
    assert.ok(
      lines.some(l =>
        /applied VMCluster monitoring\/hub \((created|configured)\)/.test(l),
      ),
      'the VMCluster was not created or configured',
    );
    const waiting = lines.findIndex(l =>
      l.includes('waiting for VMCluster monitoring/hub: '),
    );
    assert.ok(waiting >= 0, 'no waiting line for the VMCluster in the log');
    assert.ok(
      lines.findIndex(l => l.includes('ready VMCluster monitoring/hub')) >
        waiting,
      'the VMCluster was not reported ready after the wait',
    );
    for (const ready of [
      'VMAuth monitoring/hub',
      'VMAlert monitoring/hub',
      'VMAlertmanager monitoring/hub',
      'VMAgent monitoring/hub',
      'Deployment monitoring/hub-grafana',
      'Deployment monitoring/kube-state-metrics',
      'DaemonSet monitoring/node-exporter',
    ])
      assert.ok(
        lines.some(l => l.includes(`ready ${ready}`)),
        `no "ready ${ready}" in the log`,
      );
    assert.ok(
      lines.some(l =>
        l.includes('All objects are ready in cluster hub-cluster'),
      ),
    );

    const generated = ['hub-vmuser-portal', 'hub-vmuser-grafana'].map(n =>
      decode(secrets.find(s => s.metadata.name === n).data.password),
    );
    for (const value of [databasePassword, ...generated]) {
      assert.ok(!log.includes(value), 'a secret value is in the task log');
    }
  },
);

test(
  'the spoke template applies the spoke and admits it on the hub with one generated password',
  { timeout: 300_000 },
  async t => {
    const { status, log } = await runApplyTask('monitoring-spoke', {
      clusterName: 'dev-cluster',
      environment: 'dev',
      hubUrl: 'https://vmauth.hub.example.com',
      hubName: 'hub',
      hubCluster: 'resource:default/hub-cluster',
      storageClass: 'gp3',
      secretStrategy: 'kubernetes',
      apply: true,
      waitTimeout: '2m',
    });
    assert.equal(status, 'completed', log.slice(-2000));

    const agents = await list('dev-cluster', `${OPERATOR}/vmagents`);
    assert.equal(agents.length, 1);
    assert.equal(
      agents[0].spec.remoteWriteSettings.label.cluster,
      'dev-cluster',
    );
    assert.equal(agents[0].spec.remoteWriteSettings.label.environment, 'dev');
    const users = await list('hub-cluster', `${OPERATOR}/vmusers`);
    const user = users.find(u => u.spec.username === 'spoke-dev-cluster');
    assert.ok(
      user,
      `no VMUser for the spoke on the hub: ${users.map(u => u.metadata.name)}`,
    );

    const spokeSecret = (
      await list('dev-cluster', '/api/v1/namespaces/monitoring/secrets')
    ).find(s => s.metadata.name === 'vmagent-remote-write');
    const hubSecret = (
      await list('hub-cluster', '/api/v1/namespaces/monitoring/secrets')
    ).find(s => s.metadata.name === user.spec.passwordRef.name);
    const password = decode(spokeSecret.data.password);
    assert.ok(password.length >= 24);
    assert.equal(decode(hubSecret.data.password), password);
    assert.equal(decode(spokeSecret.data.username), 'spoke-dev-cluster');

    // The task's log and output hold neither the password nor its base64 form.
    assert.ok(
      !log.includes(password) && !log.includes(spokeSecret.data.password),
      'a secret value is in the task log',
    );
    // Created by the first run on a fresh stack, kept as it is by later ones.
    assert.match(
      log,
      /applied Secret monitoring\/vmagent-remote-write \((created|unchanged)\) in cluster dev-cluster/,
    );
    assert.equal(agents[0].status.updateStatus, 'operational');
    assert.match(
      log,
      /All objects are ready in cluster hub-cluster and dev-cluster/,
    );
    t.diagnostic(
      `${agents.length} VMAgent in dev-cluster, VMUser ${user.metadata.name} in hub-cluster`,
    );
  },
);

test(
  "monitor-a-service applies the service's VMRule to the hub",
  { timeout: 300_000 },
  async () => {
    const { status, log } = await runApplyTask('monitor-a-service', {
      component: 'component:default/payments',
      errorRatioThreshold: 0.05,
      errorRatioFor: '5m',
      latencyP95ThresholdSeconds: 0.5,
      latencyFor: '10m',
      severity: 'warning',
      environments: [],
      hubNamespace: 'monitoring',
      hubName: 'hub',
      apply: true,
      hubCluster: 'hub-cluster',
    });
    assert.equal(status, 'completed', log.slice(-2000));
    const rules = await list('hub-cluster', `${OPERATOR}/vmrules`);
    const rule = rules.find(r =>
      /^payments-alerts-[0-9a-f]{6}$/.test(r.metadata.name),
    );
    assert.ok(
      rule,
      `no VMRule payments-alerts-<hash> on the hub: ${rules.map(r => r.metadata.name)}`,
    );
    const alerts = rule.spec.groups.flatMap(g =>
      g.rules.filter(r => r.alert).map(r => r.alert),
    );
    // The two service alerts, and payments' two objectives' page and ticket burn-rate alerts.
    assert.deepEqual(alerts.sort(), [
      'ServiceErrorRatioAboveThreshold',
      'ServiceLatencyP95AboveThreshold',
      'ServiceSLOErrorBudgetBurnPage',
      'ServiceSLOErrorBudgetBurnPage',
      'ServiceSLOErrorBudgetBurnTicket',
      'ServiceSLOErrorBudgetBurnTicket',
    ]);
    // Every rule, the SLO recording rules included, is payments' own.
    assert.ok(
      rule.spec.groups.every(g =>
        g.rules.every(r => r.labels?.service === 'payments'),
      ),
    );
  },
);

test(
  "monitor-a-service on another team's component fails before anything reaches the hub",
  { timeout: 300_000 },
  async () => {
    // search belongs to team-search; the local guest is in team-shop and team-platform.
    const { status, log } = await runApplyTask('monitor-a-service', {
      component: 'component:default/search',
      errorRatioThreshold: 0.5,
      errorRatioFor: '24h',
      latencyP95ThresholdSeconds: 60,
      latencyFor: '24h',
      severity: 'info',
      environments: [],
      hubNamespace: 'monitoring',
      hubName: 'hub',
      apply: true,
      hubCluster: 'hub-cluster',
    });
    assert.equal(status, 'failed', log.slice(-2000));
    assert.match(
      log,
      /user:default\/guest may not change the alert rules of component:default\/search: permission monitoring\.rules\.write on component:default\/search was denied/,
    );
    const rules = await list('hub-cluster', `${OPERATOR}/vmrules`);
    assert.deepEqual(
      rules
        .filter(r => r.metadata.name.startsWith('search-'))
        .map(r => r.metadata.name),
      [],
    );
    assert.doesNotMatch(log, /Rendered VMRule/);
  },
);
