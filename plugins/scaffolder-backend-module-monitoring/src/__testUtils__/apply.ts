/** Helpers for the `monitoring:apply` tests: clusters on the emulator, rendered workspaces. */
import { mockServices } from '@backstage/backend-test-utils';
import { exampleInput } from './actions';
import {
  CORE_RESOURCES,
  EXTERNAL_SECRETS_RESOURCES,
  KubeEmulator,
  OPERATOR_RESOURCES,
} from '@internal/monitoring-kube-emulator';
import {
  buildHub,
  buildSpoke,
} from '@hubspoke/backstage-plugin-monitoring-manifests';
import { examples as hubExamples } from '../actions/hubRender.examples';
import { examples as spokeExamples } from '../actions/spokeRender.examples';
import { HUB_SIDE_DIR } from '../actions/spokeRender';
import { writeManifests } from '../actions/writeManifests';
import { RENDER_META_DIR, RENDER_SEAL_FILE, RenderSeal } from '../apply/seal';
import fs from 'node:fs';
import path from 'node:path';

/** The task id of createMockActionContext: what the renders here are sealed for. */
export const MOCK_TASK_ID = 'mock-task-id';

export const ALL_RESOURCES = [
  ...CORE_RESOURCES,
  ...OPERATOR_RESOURCES,
  ...EXTERNAL_SECRETS_RESOURCES,
];
const silent = { info: () => {} };

/**
 * The hub's operator-provided Secret values, as a template passes them from its secrets. Test
 * values only: each is checked never to reach a file, a log line or an output.
 */
export const HUB_PROVIDED_VALUES = {
  'monitoring/hub-grafana-database': {
    host: 'postgres.example.internal:5432',
    database: 'grafana',
    user: 'grafana',
    password: 'Pg-Provided-Pa55w0rd-9137',
  },
  'monitoring/hub-alertmanager': {
    'alertmanager.yaml':
      'route: {receiver: blackhole}\nreceivers: [{name: blackhole}]\n',
  },
};
/** The same, in the action's `secretValues` input form. */
export const HUB_PROVIDED = Object.entries(HUB_PROVIDED_VALUES).map(
  ([secret, values]) => ({ secret, values }),
);

/** The Kubernetes plugin's token in `configFor`: apply never sends it. */
export const PLUGIN_TOKEN = 'kubernetes-plugin-token';

/**
 * Root config with the emulated clusters as `kubernetes.clusterLocatorMethods` entries (with the
 * plugin's token, `PLUGIN_TOKEN`) and apply's own token `t` for each in
 * `monitoring.apply.clusters`, with `allowedNamespaces` when given (else the default).
 */
export function configFor(
  clusters: Record<string, KubeEmulator>,
  options: { allowedNamespaces?: string[] } = {},
) {
  return mockServices.rootConfig({
    data: {
      kubernetes: {
        clusterLocatorMethods: [
          {
            type: 'config',
            clusters: Object.entries(clusters).map(([name, emu]) => ({
              name,
              url: emu.url,
              authProvider: 'serviceAccount',
              serviceAccountToken: PLUGIN_TOKEN,
              skipTLSVerify: true,
            })),
          },
        ],
      },
      monitoring: {
        apply: {
          clusters: Object.keys(clusters).map(name => ({
            name,
            serviceAccountToken: 't',
            ...(options.allowedNamespaces
              ? { allowedNamespaces: options.allowedNamespaces }
              : {}),
          })),
        },
      },
    },
  });
}

/** Renders the first hub example into `workspace/outputPath`. */
export async function renderHub(
  workspace: string,
  outputPath = 'hub',
  overrides: Record<string, unknown> = {},
  /** The cluster the render is sealed for (the apply tests' emulator). */
  cluster = 'infra',
) {
  const hub = buildHub({
    ...exampleInput(hubExamples[0].example),
    outputPath,
    ...overrides,
  } as any);
  await writeManifests({
    workspacePath: workspace,
    outputPath,
    sets: [{ subdir: '', objects: hub.objects, cluster }],
    secrets: hub.secrets,
    logger: silent,
    seal: RenderSeal.forProcess(),
    task: MOCK_TASK_ID,
  });
  return hub;
}

/** Renders the first spoke example into `workspace/spokes/<cluster>` (with `hub-side/`). */
export async function renderSpoke(
  workspace: string,
  overrides: Record<string, unknown> = {},
  /** The clusters the render is sealed for (default: its own cluster, and the hub on `infra`). */
  clusters: { cluster?: string; hubCluster?: string } = {},
) {
  const spoke = buildSpoke({
    ...exampleInput(spokeExamples[0].example),
    ...overrides,
  } as any);
  const outputPath = `spokes/${spoke.options.clusterName}`;
  await writeManifests({
    workspacePath: workspace,
    outputPath,
    sets: [
      {
        subdir: '',
        objects: spoke.spoke,
        cluster: clusters.cluster ?? spoke.options.clusterName,
      },
      {
        subdir: HUB_SIDE_DIR,
        objects: spoke.hub,
        cluster: clusters.hubCluster ?? 'infra',
      },
    ],
    secrets: spoke.secrets,
    logger: silent,
    seal: RenderSeal.forProcess(),
    task: MOCK_TASK_ID,
  });
  return { ...spoke, outputPath };
}

/**
 * Seals a rendered folder again as it now is, as a render with other inputs would: for tests
 * that change a rendered object on purpose (edited files are refused otherwise).
 */
export function reseal(folder: string, role = '', cluster = 'infra') {
  const files: Record<string, string> = {};
  for (const name of fs.readdirSync(folder)) {
    if (/\.ya?ml$/.test(name))
      files[name] = fs.readFileSync(path.join(folder, name), 'utf8');
  }
  const metaDir = path.join(folder, RENDER_META_DIR);
  for (const name of fs.readdirSync(metaDir)) {
    if (name !== RENDER_SEAL_FILE)
      files[`${RENDER_META_DIR}/${name}`] = fs.readFileSync(
        path.join(metaDir, name),
        'utf8',
      );
  }
  fs.writeFileSync(
    path.join(metaDir, RENDER_SEAL_FILE),
    RenderSeal.forProcess().seal(role, files, { task: MOCK_TASK_ID, cluster }),
  );
}

export const applyPatches = (emu: KubeEmulator) =>
  emu.requests.filter(
    r => r.method === 'PATCH' && r.query.dryRun === undefined,
  );
export const dryRunPatches = (emu: KubeEmulator) =>
  emu.requests.filter(r => r.method === 'PATCH' && r.query.dryRun === 'All');
export const versions = (emu: KubeEmulator) =>
  Object.fromEntries(
    emu
      .objects()
      .map(o => [
        `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`,
        o.metadata.resourceVersion,
      ]),
  );
/** Readiness polling for tests. */
export const fast = { initialMs: 20, maxMs: 100 };
