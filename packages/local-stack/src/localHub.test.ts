/**
 * The local stack and the hub template must describe the same hub: the same retention,
 * deduplication at the scrape interval, the same vmauth routes per user, the same vmalert rules
 * and spoke labels. A change on one side that the other does not follow fails here.
 */
import {
  COMPONENT_LABEL,
  HUB_COMPONENTS,
  hubComponentJob,
} from '@hubspoke/backstage-plugin-monitoring-common';
import {
  buildHub,
  buildSpoke,
  K8sObject,
  RETENTION,
  SELECT_PATH,
  toOperatorRelabel,
} from '@hubspoke/backstage-plugin-monitoring-manifests';
import {
  ENVIRONMENTS,
  HUB_AGENT,
  hubRemoteWriteRelabeling,
  hubScrapeConfig,
  LOCAL_HUB_RETENTION,
  LOCAL_SCRAPE_INTERVAL,
  processSpecs,
  stackPaths,
  exampleSloGroups,
  stackRules,
  vmauthConfig,
} from './index';

function findObject(objects: K8sObject[], kind: string, name?: string): any {
  const found = objects.find(
    o => o.kind === kind && (name === undefined || o.metadata.name === name),
  );
  if (!found)
    throw new Error(
      `no ${kind}${name ? `/${name}` : ''} among the rendered objects`,
    );
  return found;
}

const findAll = (objects: K8sObject[], kind: string): any[] =>
  objects.filter(o => o.kind === kind);

/** The same sample hub and spoke as the builders' own tests. */
const sampleHub = () =>
  buildHub({
    name: 'hub',
    storageClass: 'gp3',
    sharedStorageClass: 'efs',
    grafanaDomain: 'grafana.infra.example.com',
    secretStrategy: 'kubernetes',
    // As the local hub keeps it (its demo's 30-day objectives).
    retention: LOCAL_HUB_RETENTION,
  });
const sampleSpoke = () =>
  buildSpoke({
    clusterName: 'dev',
    environment: 'dev',
    hubUrl: 'https://victoria-metrics.infra.example.com',
    storageClass: 'gp3',
    secretStrategy: 'kubernetes',
  });

const hub = sampleHub();
const spoke = sampleSpoke();
const specs = processSpecs(stackPaths('/tmp/local-hub-test'));
const spec = (name: string) => {
  const found = specs.find(s => s.name === name);
  if (!found) throw new Error(`no local process ${name}`);
  return found;
};
const flag = (name: string, key: string) =>
  spec(name)
    .args.find(a => a.startsWith(`-${key}=`))
    ?.slice(key.length + 2);

describe('the local hub and the hub template', () => {
  it('keep data as long', () => {
    const cluster = findObject(hub.objects, 'VMCluster');
    expect(flag('victoria-metrics', 'retentionPeriod')).toBe(
      cluster.spec.retentionPeriod,
    );
    expect(cluster.spec.retentionPeriod).toBe(LOCAL_HUB_RETENTION);
    // The template's default is the hub contract's.
    expect(
      findObject(
        buildHub({
          name: 'hub',
          storageClass: 'gp3',
          sharedStorageClass: 'efs',
          grafanaDomain: 'grafana.infra.example.com',
          secretStrategy: 'kubernetes',
        }).objects,
        'VMCluster',
      ).spec.retentionPeriod,
    ).toBe(RETENTION);
  });

  it('deduplicate at the scrape interval of their spokes', () => {
    const cluster = findObject(hub.objects, 'VMCluster');
    // The template: vmselect and vmstorage dedup at the spokes' (rendered) scrape interval.
    const spokeAgent = findObject(spoke.spoke, 'VMAgent');
    expect(cluster.spec.vmstorage.extraArgs['dedup.minScrapeInterval']).toBe(
      spokeAgent.spec.scrapeInterval,
    );
    expect(cluster.spec.vmselect.extraArgs['dedup.minScrapeInterval']).toBe(
      spokeAgent.spec.scrapeInterval,
    );
    // Locally the same rule, with the local vmagents' interval.
    expect(flag('victoria-metrics', 'dedup.minScrapeInterval')).toBe(
      LOCAL_SCRAPE_INTERVAL,
    );
  });

  it('route every user to the same paths', () => {
    const rendered = Object.fromEntries(
      [...findAll(hub.objects, 'VMUser'), ...findAll(spoke.hub, 'VMUser')].map(
        u => [u.spec.username, u.spec.targetRefs.flatMap((t: any) => t.paths)],
      ),
    );
    const local = vmauthConfig({
      writers: [
        { username: 'spoke', password: 'x', cluster: 'c', environment: 'e' },
      ],
      readers: [
        { username: 'portal', password: 'x' },
        { username: 'grafana', password: 'x' },
      ],
    });
    const paths = (u: string) =>
      local.users
        .find(x => x.username === u)!
        .url_map.flatMap(m => m.src_paths);
    expect(paths('portal')).toEqual(rendered.portal);
    expect(paths('grafana')).toEqual(rendered.grafana);
    // The spoke's write-only VMUser is rendered under a per-spoke name.
    const spokeUser = Object.keys(rendered).find(
      n => !['portal', 'grafana'].includes(n),
    )!;
    expect(paths('spoke')).toEqual(rendered[spokeUser]);
    expect(
      rendered.portal.every((p: string) => p.startsWith(`${SELECT_PATH}/`)),
    ).toBe(true);
  });

  it("force each spoke's own cluster and environment labels on its writes, as the spoke's VMUser does", () => {
    // The template: the spoke's write-only VMUser carries `extra_label` query arguments with the
    // labels its own VMAgent writes, nothing else.
    const [user] = findAll(spoke.hub, 'VMUser');
    const spokeAgent = findObject(spoke.spoke, 'VMAgent');
    const own = spokeAgent.spec.remoteWriteSettings.label;
    expect(Object.keys(own).sort()).toEqual(['cluster', 'environment']);
    const forced = (args: Array<{ name: string; values: string[] }>) =>
      args.flatMap(a => a.values.map(v => `${a.name}:${v}`));
    const rendered = user.spec.targetRefs.flatMap((t: any) => t.query_args);
    expect(forced(rendered)).toEqual(
      Object.entries(own).map(([k, v]) => `extra_label:${k}=${v}`),
    );

    // Locally: each spoke's vmauth route carries the same query arguments for its own labels,
    // the ones its vmagent sets with -remoteWrite.label.
    expect(ENVIRONMENTS.map(e => e.name)).toEqual([
      'dev',
      'staging',
      'production',
    ]);
    const local = vmauthConfig({
      writers: ENVIRONMENTS.map(e => ({
        username: `spoke-${e.name}`,
        password: 'x',
        cluster: e.cluster,
        environment: e.name,
      })),
      readers: [{ username: 'portal', password: 'x' }],
    });
    for (const { name: environment, cluster } of ENVIRONMENTS) {
      const routes = local.users.find(
        u => u.username === `spoke-${environment}`,
      )!.url_map;
      expect(routes).toHaveLength(1);
      const args = new URL(routes[0].url_prefix).searchParams;
      const template = findObject(
        buildSpoke({
          clusterName: cluster,
          environment,
          hubUrl: 'https://vmauth.example.com',
          storageClass: 'gp3',
        }).hub,
        'VMUser',
      );
      expect(
        [...args.entries()].map(([name, value]) => `${name}:${value}`),
      ).toEqual(forced(template.spec.targetRefs[0].query_args));
      expect(
        spec(`vmagent-${environment}`)
          .args.filter(a => a.startsWith('-remoteWrite.label='))
          .map(a => a.slice('-remoteWrite.label='.length)),
      ).toEqual(args.getAll('extra_label'));
    }
    // Readers are not rewritten.
    const portal = local.users.find(u => u.username === 'portal')!;
    expect(new URL(portal.url_map[0].url_prefix).search).toBe('');
  });

  it('send the spokes to the tenant write path the template renders', () => {
    const spokeAgent = findObject(spoke.spoke, 'VMAgent');
    const rendered = new URL(spokeAgent.spec.remoteWrite[0].url).pathname;
    for (const env of ['dev', 'staging', 'production']) {
      expect(new URL(flag(`vmagent-${env}`, 'remoteWrite.url')!).pathname).toBe(
        rendered,
      );
    }
  });

  it('run two vmalert replicas, as the template does', () => {
    const vmalert = findObject(hub.objects, 'VMAlert');
    expect(
      specs.filter(s => s.command === spec('vmalert').command),
    ).toHaveLength(vmalert.spec.replicaCount);
  });

  it("label the hub components' self-scrapes the same way, so /stack reads one label", () => {
    // The template's hub VMAgent: the drop list, then `component` from the operator's job names.
    const agent = findObject(hub.objects, 'VMAgent');
    const relabel = agent.spec.inlineRelabelConfig.filter(
      (r: any) => r.targetLabel === COMPONENT_LABEL,
    );
    expect(relabel).toEqual(
      toOperatorRelabel(
        hubRemoteWriteRelabeling().map(r => ({
          ...r,
          regex: r.regex!.replace(HUB_AGENT.cluster, hub.options.name),
        })),
      ),
    );
    // Locally, one job per component named as the operator names it, for the hub's cluster.
    const jobs = hubScrapeConfig().scrape_configs.map(j => j.job_name);
    expect(jobs).toEqual(
      expect.arrayContaining(
        HUB_COMPONENTS.map(c => hubComponentJob(c, HUB_AGENT.cluster)),
      ),
    );
    const regex = new RegExp(`^${relabel[0].regex}$`);
    expect(
      HUB_COMPONENTS.every(c =>
        regex.test(hubComponentJob(c, hub.options.name)),
      ),
    ).toBe(true);
    expect(regex.test(hubComponentJob('vmselect', 'other-hub'))).toBe(false);
    expect(flag('vmagent-hub', 'remoteWrite.label')).toBe(
      `cluster=${HUB_AGENT.cluster}`,
    );
  });

  it('evaluate the same rules: names, expressions, labels (only for: is shorter locally)', () => {
    const shape = (groups: any[]) =>
      groups.map(g => ({
        name: g.name,
        rules: g.rules.map((r: any) => ({
          name: r.alert ?? r.record,
          expr: r.expr,
          labels: r.labels,
        })),
      }));
    const rendered = findAll(hub.objects, 'VMRule').flatMap(r => r.spec.groups);
    expect(rendered.length).toBeGreaterThan(0);
    // Then the SLO groups monitor-a-service renders for the example components.
    expect(shape(stackRules().groups)).toEqual(
      shape([...rendered, ...exampleSloGroups()]),
    );
  });
});
