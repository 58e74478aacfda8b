/**
 * One real cluster for a test, on free loopback ports in a temporary folder: its own etcd,
 * kube-apiserver, controller manager, scheduler and kwok, bootstrapped like the stack's (CRDs,
 * three kwok nodes, storage classes, the portal's and apply's ServiceAccounts). A few seconds
 * with the binaries cached; `stop()` kills exactly its processes and deletes the folder.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from '../http';
import { stackPaths } from '../paths';
import { stopProcess } from '../procControl';
import { startStage } from '../start';
import {
  awaitKubeClusters,
  installKubeObjects,
  localKubeClusters,
  LocalKubeCluster,
  prepareKubeFiles,
} from './clusters';
import { kubeClient, KubeClient } from './kubeClient';
import { KubeLayout } from './layout';
import {
  auditLogFile,
  KUBE_STAGES,
  kubeProcessSpecs,
  writeAuditPolicy,
} from './processes';
import { ensureComponents } from '../components';

export interface AuditEvent {
  verb: string;
  user: { username: string; groups?: string[] };
  objectRef?: {
    resource?: string;
    namespace?: string;
    name?: string;
    apiGroup?: string;
    subresource?: string;
  };
  requestURI: string;
  responseStatus?: { code?: number };
}

export interface TestKubeCluster extends LocalKubeCluster {
  /** A client acting as the cluster's admin (checks and set-up in tests). */
  admin: KubeClient;
  /**
   * The API server's audit events so far (every request's user, verb, object and answer), from
   * its audit log: what reached the real cluster, and as whom.
   */
  auditEvents(): AuditEvent[];
  stop(): Promise<void>;
}

export async function startTestKubeCluster(
  opts: {
    name?: string;
    /** Run the demo services' Deployments in namespace shop (as a spoke). */
    demoWorkloads?: boolean;
    /** Install the VictoriaMetrics operator's CRDs (default true). */
    operatorCrds?: boolean;
    /**
     * The namespaces the apply ServiceAccount may write into (its RBAC names and admission
     * policy, as `monitoring.apply.clusters[].allowedNamespaces`); default `monitoring`.
     */
    applyNamespaces?: string[];
    timeoutMs?: number;
  } = {},
): Promise<TestKubeCluster> {
  ensureComponents(() => {});
  const name = opts.name ?? 'test-cluster';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-test-'));
  const paths = stackPaths(dir);
  const [etcdClientPort, etcdPeerPort, apiPort, cm, sched, kwok] =
    await Promise.all(Array.from({ length: 6 }, freePort));
  const layout: KubeLayout = {
    etcdClientPort,
    etcdPeerPort,
    clusters: [
      {
        name,
        environment: opts.demoWorkloads ? 'dev' : undefined,
        apiPort,
        controllerManagerPort: cm,
        schedulerPort: sched,
        kwokPort: kwok,
      },
    ],
  };
  const specs = kubeProcessSpecs(paths, layout, { audit: true });
  const stop = async () => {
    for (const spec of [...specs].reverse()) await stopProcess(paths, spec);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    prepareKubeFiles(paths, layout, { operatorCrds: opts.operatorCrds });
    writeAuditPolicy(paths);
    const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
    const run = async (stages: number[]) => {
      for (const stage of stages)
        await startStage(
          paths,
          specs.filter(s => s.stage === stage),
          new Set(),
          deadline,
          () => {},
        );
    };
    const left = () => Math.max(deadline - Date.now(), 1000);
    await run([
      KUBE_STAGES.etcd,
      KUBE_STAGES.apiServer,
      KUBE_STAGES.controllers,
    ]);
    await installKubeObjects(paths, {
      layout,
      operatorCrds: opts.operatorCrds,
      applyNamespaces: opts.applyNamespaces,
      timeoutMs: left(),
    });
    await run([KUBE_STAGES.kwok]);
    await awaitKubeClusters(paths, { layout, timeoutMs: left() });
    const [cluster] = localKubeClusters(paths, layout);
    return {
      ...cluster,
      admin: kubeClient({
        name,
        server: cluster.url,
        caData: cluster.caData,
        token: cluster.adminToken,
      }),
      auditEvents: () => {
        const file = auditLogFile(paths, layout.clusters[0]);
        if (!fs.existsSync(file)) return [];
        return fs
          .readFileSync(file, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map(line => JSON.parse(line) as AuditEvent);
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
