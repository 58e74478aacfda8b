/** `start`: idempotently brings the whole local stack up and waits until data flows. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BACKFILL_STAMP, backfillDemoHistory } from './backfill';
import { ensureBinaries } from './binaries';
import { writeConfigFiles } from './configFiles';
import { DATA_CHECKS, runDataCheck } from './dataChecks';
import { HOST, URLS } from './endpoints';
import { StackEnv, stackEnv } from './env';
import { prepareForge, provisionForge } from './forge';
import {
  awaitKubeClusters,
  installKubeObjects,
  prepareKubeFiles,
} from './kube/clusters';
import { HUB_STAGE, KUBE_STAGES } from './kube/processes';
import { answers, portInUse } from './http';
import { stackPaths, StackPaths } from './paths';
import {
  argumentsChanged,
  isOurProcess,
  logTail,
  runningPid,
  spawnProcess,
  stopProcess,
} from './procControl';
import { ProcessSpec, processSpecs, victoriaMetricsDataDir } from './processes';
import { StackStartError, waitUntil } from './wait';

export interface StartOptions {
  /** Data dir; default `$MONITORING_STACK_DIR` or `<repo>/.stack`. */
  dir?: string;
  /** Progress lines; default `console.log`. */
  log?: (line: string) => void;
  /** Overall limit for everything to be up and data to flow; default 120 s. */
  timeoutMs?: number;
}

/** With nothing restarted, the newest sample may be this old (VM hides the last ~30 s). */
const FRESHNESS_MS = 90_000;
const MARKER_TEXT =
  'Data dir of the local monitoring stack (packages/local-stack).';
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

const secondsSince = (t0: number) =>
  `${((Date.now() - t0) / 1000).toFixed(1)}s`;

function tails(paths: StackPaths, specs: ProcessSpec[]): string {
  return specs
    .map(s => `--- tail of ${paths.log(s.name)}\n${logTail(paths, s)}`)
    .join('\n');
}

/** Leaves a healthy process alone (reloading it if its config changed), otherwise starts it. */
async function ensureProcess(
  paths: StackPaths,
  spec: ProcessSpec,
  changed: Set<string>,
  log: (line: string) => void,
): Promise<{ pid: number; spawned: boolean }> {
  const label = `${spec.name} (:${spec.port})`;
  const pid = runningPid(paths, spec);
  if (pid !== undefined) {
    // A process that is ours but still booting gets a few seconds before it is restarted.
    let up = false;
    for (let i = 0; i < 10 && !up; i++) {
      up = await answers(HOST, spec.port, spec.healthPath, spec.healthCa);
      if (!up) await sleep(500);
    }
    if (up && argumentsChanged(pid, spec)) {
      log(`  ${label}: its command line changed; restarting it`);
      await stopProcess(paths, spec);
    } else if (up && changed.has(spec.name) && !spec.reloadsOnSighup) {
      log(`  ${label}: config changed; restarting it`);
      await stopProcess(paths, spec);
    } else if (up) {
      if (changed.has(spec.name) && spec.reloadsOnSighup) {
        process.kill(pid, 'SIGHUP');
        log(`  ${label}: running, pid ${pid}; config changed, sent SIGHUP`);
      } else {
        log(`  ${label}: already running, pid ${pid}`);
      }
      return { pid, spawned: false };
    } else {
      log(`  ${label}: pid ${pid} does not answer; restarting it`);
      await stopProcess(paths, spec);
    }
  }
  if (await portInUse(HOST, spec.port)) {
    throw new StackStartError(
      `${label}: port ${spec.port} is taken by a process this stack did not start ` +
        `(no matching pid file in ${paths.pids})`,
    );
  }
  const started = spawnProcess(paths, spec);
  log(`  ${label}: started, pid ${started}`);
  return { pid: started, spawned: true };
}

/** Starts the processes of one stage and waits until each answers (or exits). */
export async function startStage(
  paths: StackPaths,
  group: ProcessSpec[],
  changed: Set<string>,
  deadline: number,
  log: (line: string) => void,
): Promise<boolean> {
  const pids = new Map<string, number>();
  let spawnedAny = false;
  for (const spec of group) {
    const { pid, spawned } = await ensureProcess(paths, spec, changed, log);
    pids.set(spec.name, pid);
    spawnedAny ||= spawned;
  }
  await Promise.all(
    group.map(spec =>
      waitUntil(
        `${spec.name} to answer on http://${HOST}:${spec.port}${spec.healthPath}`,
        async () =>
          (await answers(HOST, spec.port, spec.healthPath, spec.healthCa)) ||
          'no answer yet',
        {
          deadline,
          abort: () =>
            isOurProcess(pids.get(spec.name)!, spec)
              ? undefined
              : `the process exited\n${tails(paths, [spec])}`,
          onTimeout: () => tails(paths, [spec]),
        },
      ),
    ),
  );
  return spawnedAny;
}

export async function startStack(opts: StartOptions = {}): Promise<StackEnv> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const t0 = Date.now();
  const deadline = t0 + (opts.timeoutMs ?? 120_000);
  const paths = stackPaths(opts.dir);

  ensureBinaries(log);
  fs.mkdirSync(paths.dir, { recursive: true });
  if (!fs.existsSync(paths.marker)) {
    fs.writeFileSync(paths.marker, `${MARKER_TEXT}\n`);
  }
  const kubeRestarts = prepareKubeFiles(paths);
  log(`Data dir ${paths.dir}`);

  const specs = processSpecs(paths);
  const runStages = async (
    stages: number[],
    changed: Set<string>,
  ): Promise<boolean> => {
    let spawned = false;
    for (const stage of stages) {
      const group = specs.filter(s => s.stage === stage);
      log(`Stage ${stage}: ${group.map(s => s.name).join(', ')}`);
      if (await startStage(paths, group, changed, deadline, log))
        spawned = true;
      log(`  stage ${stage} answers (${secondsSince(t0)})`);
    }
    return spawned;
  };
  const stages = [...new Set(specs.map(s => s.stage))].sort((a, b) => a - b);
  const left = () => Math.max(deadline - Date.now(), 1000);
  const clusterSpawned = await runStages(
    stages.filter(s => s < KUBE_STAGES.kwok),
    kubeRestarts,
  );
  log(
    'Installing CRDs, kwok nodes, storage classes, ServiceAccounts and demo workloads',
  );
  await installKubeObjects(paths, { timeoutMs: left(), demoSpokes: true });
  const kwokSpawned = await runStages([KUBE_STAGES.kwok], kubeRestarts);
  const pods = await awaitKubeClusters(paths, { log, timeoutMs: left() });
  // The demo pods' real names go into the scrape configs and the exporter.
  const changed = writeConfigFiles(paths, pods);
  log(`Config written to ${paths.config} (${secondsSince(t0)})`);
  prepareForge(paths); // Gitea's database, before its first start
  const hubSpawned = await runStages(
    stages.filter(s => s >= HUB_STAGE),
    changed,
  );
  const spawnedAny = clusterSpawned || kwokSpawned || hubSpawned;
  // The demo's past (once per data dir), continuing the live series of the same pods. It ends
  // before this start, so the data checks below still wait for live samples.
  const backfill = await backfillDemoHistory({
    vmUrl: URLS.victoriaMetrics,
    nowMs: t0,
    stampFile: path.join(victoriaMetricsDataDir(paths), BACKFILL_STAMP),
    names: pods,
    timeoutMs: left(),
  });
  log(`${backfill.summary} (${secondsSince(t0)})`);
  const provisioned = await provisionForge(paths);
  if (provisioned.length > 0)
    log(`Gitea: created ${provisioned.join(', ')} (${secondsSince(t0)})`);

  const env = stackEnv({ dir: paths.dir });
  // Data must come from this run when anything was (re)started, else just be recent.
  const notBefore = (spawnedAny ? t0 : Date.now() - FRESHNESS_MS) / 1000;
  const user = env.MONITORING_VMSELECT_USERNAME;
  for (const check of DATA_CHECKS) {
    log(`Waiting for ${check.description} through vmauth as ${user}`);
    const suspects = specs.filter(s => check.suspects.includes(s.name));
    await waitUntil(
      check.description,
      () => runDataCheck(env, check, notBefore),
      { deadline, intervalMs: 2000, onTimeout: () => tails(paths, suspects) },
    );
    log(`  ok (${secondsSince(t0)})`);
  }
  log(`Stack ready in ${secondsSince(t0)}`);
  return env;
}
