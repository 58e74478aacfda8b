/**
 * Integration: GET /stack against the real stack. Its numbers must equal direct queries of the
 * components' own metrics (as the hub holds them, and as the components serve them), every hub
 * component must be up, and every spoke ok.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  HUB_COMPONENTS,
  StackResponse,
} from '@hubspoke/backstage-plugin-monitoring-common';
import request from 'supertest';
import { ENVIRONMENTS, startStack } from '@internal/monitoring-local-stack';
import { stackVmselect } from '../__testUtils__/entities';
import { startMonitoringBackend } from '../__testUtils__/startMonitoringBackend';

jest.setTimeout(180_000);

const SPOKES = ENVIRONMENTS.map(e => e.cluster);

describe('GET /stack against the real stack', () => {
  let env: Awaited<ReturnType<typeof startStack>>;
  let server: any;

  beforeAll(async () => {
    env = await startStack({ log: () => {} });
    ({ server } = await startMonitoringBackend({
      monitoring: { vmselect: stackVmselect(env) },
      permissions: AuthorizeResult.ALLOW,
    }));
  });

  async function stack(): Promise<StackResponse> {
    const res = await request(server)
      .get('/api/monitoring/stack')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    return res.body;
  }

  async function direct(query: string): Promise<Map<string, number>> {
    const res = await fetch(`${env.MONITORING_VM_DIRECT_URL}/api/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query }),
    });
    const body = await res.json();
    expect(body.status).toBe('success');
    return new Map(
      body.data.result.map((r: any) => [r.metric.cluster, Number(r.value[1])]),
    );
  }

  /** A metric as the component itself serves it, summed over its label sets. */
  async function scraped(port: number, metric: string): Promise<number> {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    return text
      .split('\n')
      .filter(
        line => line.startsWith(`${metric}{`) || line.startsWith(`${metric} `),
      )
      .reduce(
        (sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)),
        0,
      );
  }

  it("shows every spoke ok, with numbers equal to the components' own metrics", async () => {
    // Right after a (re)start the rate needs a few samples: bounded wait for every spoke's.
    const everySpokeSamples = (current: StackResponse) =>
      SPOKES.every(
        c =>
          (current.clusters.find(x => x.cluster === c)?.samplesPerSecond ?? 0) >
          0,
      );
    let body = await stack();
    for (let i = 0; i < 30 && !everySpokeSamples(body); i++) {
      await new Promise(resolve => setTimeout(resolve, 5000));
      body = await stack();
    }
    const series = await direct(
      'sum by (cluster) (scrape_samples_post_metric_relabeling)',
    );
    const lastSample = await direct(
      'max by (cluster) (tlast_over_time(up{cluster!=""}[1h]))',
    );
    for (const { cluster, vmagentPort, name } of ENVIRONMENTS) {
      const spoke = body.clusters.find(c => c.cluster === cluster)!;
      expect({
        cluster,
        verdict: spoke.verdict,
        environment: spoke.environment,
        hub: spoke.hub,
      }).toEqual({
        cluster,
        verdict: 'ok',
        environment: name,
        hub: false,
      });
      // The queue is empty on a healthy spoke, as the vmagent itself reports.
      expect(spoke.queueBytes).toBe(
        await scraped(vmagentPort, 'vmagent_remotewrite_pending_data_bytes'),
      );
      expect(spoke.queueBytes).toBe(0);
      expect(spoke.droppedSamples).toBe(0);
      expect(
        await scraped(vmagentPort, 'vmagent_remotewrite_samples_dropped_total'),
      ).toBe(0);
      // Series may change between the two reads only if a target came or went: none did.
      expect(spoke.activeSeries).toBe(series.get(cluster));
      expect(spoke.activeSeries).toBeGreaterThan(100);
      // Lag: the newest sample is at most one scrape (15 s) plus VM's latency offset (5 s) old.
      expect(spoke.lagSeconds).toBeLessThan(30);
      const age =
        Date.parse(body.generatedAt) / 1000 - lastSample.get(cluster)!;
      expect(Math.abs(spoke.lagSeconds! - age)).toBeLessThan(20);
    }
    // samples/s against the vmagent's own counter over 20 s (its sends, as it counts them).
    const prod = ENVIRONMENTS.find(e => e.name === 'production')!;
    const before = await scraped(
      prod.vmagentPort,
      'vmagent_remotewrite_block_size_rows_sum',
    );
    await new Promise(resolve => setTimeout(resolve, 20_000));
    const own =
      ((await scraped(
        prod.vmagentPort,
        'vmagent_remotewrite_block_size_rows_sum',
      )) -
        before) /
      20;
    const reported = body.clusters.find(
      c => c.cluster === prod.cluster,
    )!.samplesPerSecond!;
    expect(Math.abs(reported - own) / own).toBeLessThan(0.35);
  });

  it('shows every hub component up, as the components answer', async () => {
    const body = await stack();
    const hub = body.clusters.find(c => c.hub)!;
    expect(hub.cluster).toBe('hub-cluster');
    expect(body.components.map(c => c.component)).toEqual([...HUB_COMPONENTS]);
    const byName = Object.fromEntries(
      body.components.map(c => [
        c.component,
        `${c.status} ${c.up}/${c.instances}`,
      ]),
    );
    expect(byName).toEqual({
      vminsert: 'up 1/1',
      vmselect: 'up 1/1',
      vmstorage: 'up 1/1',
      vmauth: 'up 1/1',
      vmalert: 'up 2/2', // two replicas, active-active (docs/architecture.md)
      vmalertmanager: 'up 1/1',
    });
    for (const port of [8428, 8427, 8880, 8881, 9093]) {
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(
        200,
      );
    }
  });
});
