/**
 * kwok's Stages for the local clusters, written into one file kwok reads with `--config`:
 *
 * - Nodes and pods: kwok's own `node/fast`, `node/heartbeat-with-lease` and `pod/fast` stages,
 *   from its module (copied beside the binary when it is built).
 * - Volumes: claims of the storage classes `gp3` and `efs` are provisioned and bound as kwok's
 *   `volume/fast` does for its `kwok-volume` class (no CSI driver can run without real nodes).
 * - The VictoriaMetrics operator, which cannot run here (the Go module proxy refuses its module):
 *   a **simulation** of how it reports status. A resource whose `metadata.generation` is newer
 *   than `status.observedGeneration` goes to `updateStatus: expanding` with that generation,
 *   then to `operational`; a VMCluster whose vmstorage asks for a storage class the cluster does
 *   not have goes to `failed` with a `reason`, as the operator reports a reconcile error. The
 *   portal reads these fields exactly as it reads the real operator's.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument, stringify } from 'yaml';
import { OPERATOR_API_VERSION } from '@hubspoke/backstage-plugin-monitoring-manifests';
import { BIN } from '../binaries';
import { StackPaths } from '../paths';
import { operatorKinds } from './crds';
import { kubeDir } from './identities';

/** The storage classes the clusters have (the architecture's: gp3 for disks, efs for Grafana). */
export const STORAGE_CLASSES = {
  gp3: 'ebs.csi.aws.com',
  efs: 'efs.csi.aws.com',
} as const;

/** How long a simulated reconcile stays `expanding`. */
export const SIMULATED_RECONCILE_MS = 1500;

/** kwok's own stages used as they are (paths under its module's kustomize/stage). */
const KWOK_STAGE_FILES = [
  'node/fast/node-initialize.yaml',
  'node/heartbeat-with-lease/node-heartbeat-with-lease.yaml',
  'pod/fast/pod-complete.yaml',
  'pod/fast/pod-delete.yaml',
];

export const kwokStagesFile = (paths: StackPaths) =>
  path.join(kubeDir(paths), 'kwok-stages.yaml');

const stage = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'kwok.x-k8s.io/v1alpha1',
  kind: 'Stage',
  metadata: { name },
  spec,
});

const cel = (expression: string) => ({ cel: { expression } });
const notDeleted = cel('!has(self.metadata.deletionTimestamp)');
const ourClass = cel(
  `has(self.spec.storageClassName) && self.spec.storageClassName in ${JSON.stringify(Object.keys(STORAGE_CLASSES))}`,
);

/** kwok's volume/fast stages, for the clusters' own storage classes. */
function volumeStages() {
  return [
    stage('pvc-provision', {
      resourceRef: { apiGroup: 'v1', kind: 'PersistentVolumeClaim' },
      selector: {
        matchExpressions: [
          ourClass,
          notDeleted,
          cel('!has(self.spec.volumeName)'),
          cel("!has(self.status.phase) || self.status.phase != 'Bound'"),
        ],
      },
      steps: [
        {
          apply: {
            template: `apiVersion: v1
kind: PersistentVolume
metadata:
  name: pvc-{{ .metadata.uid }}
  annotations:
    pv.kubernetes.io/provisioned-by: {{ .spec.storageClassName }}.kwok.local
spec:
  accessModes:
  {{ YAML .spec.accessModes 2 }}
  capacity:
  {{ YAML .spec.resources.requests 2 }}
  persistentVolumeReclaimPolicy: Delete
  storageClassName: {{ .spec.storageClassName | Quote }}
  volumeMode: {{ default "Filesystem" .spec.volumeMode | Quote }}
  claimRef:
    apiVersion: v1
    kind: PersistentVolumeClaim
    name: {{ .metadata.name | Quote }}
    namespace: {{ .metadata.namespace | Quote }}
    resourceVersion: {{ .metadata.resourceVersion | Quote }}
    uid: {{ .metadata.uid | Quote }}
  hostPath:
    path: /tmp/kwok-volumes/pvc-{{ .metadata.uid }}
`,
          },
        },
        {
          patch: {
            root: 'metadata',
            template: `annotations:
  pv.kubernetes.io/bind-completed: "yes"
  pv.kubernetes.io/bound-by-controller: "yes"
`,
          },
        },
        {
          patch: {
            root: 'spec',
            template: 'volumeName: pvc-{{ .metadata.uid }}\n',
          },
        },
        {
          patch: {
            root: 'status',
            subresource: 'status',
            template: `phase: Bound
accessModes:
{{ YAML .spec.accessModes 1 }}
capacity:
{{ YAML .spec.resources.requests 1 }}
`,
          },
        },
      ],
    }),
    // A released volume of our classes goes, as its reclaim policy says (kwok's pv-delete).
    stage('pv-delete', {
      resourceRef: { apiGroup: 'v1', kind: 'PersistentVolume' },
      selector: {
        matchExpressions: [
          ourClass,
          notDeleted,
          cel("self.spec.persistentVolumeReclaimPolicy == 'Delete'"),
          cel("has(self.status.phase) && self.status.phase == 'Released'"),
        ],
      },
      steps: [{ delete: true }],
    }),
    stage('pv-bind', {
      resourceRef: { apiGroup: 'v1', kind: 'PersistentVolume' },
      selector: {
        matchExpressions: [
          ourClass,
          notDeleted,
          cel('has(self.spec.claimRef) && has(self.spec.claimRef.name)'),
          cel(
            "!has(self.status.phase) || !(self.status.phase in ['Bound', 'Released', 'Failed'])",
          ),
        ],
      },
      steps: [
        {
          patch: {
            root: 'status',
            subresource: 'status',
            template: 'phase: Bound\n',
          },
        },
      ],
    }),
  ];
}

const newGeneration = cel(
  '!has(self.status) || !has(self.status.observedGeneration) || self.status.observedGeneration != self.metadata.generation',
);
const settled = cel(
  "has(self.status) && has(self.status.observedGeneration) && self.status.observedGeneration == self.metadata.generation && has(self.status.updateStatus) && self.status.updateStatus == 'expanding'",
);
const STORAGE_CLASS_PATH =
  'self.spec.vmstorage.storage.volumeClaimTemplate.spec';
/** A VMCluster whose vmstorage claims a storage class the cluster lacks. */
const missingStorageClass = `has(self.spec.vmstorage) && has(self.spec.vmstorage.storage) && has(self.spec.vmstorage.storage.volumeClaimTemplate) && has(${STORAGE_CLASS_PATH}) && has(${STORAGE_CLASS_PATH}.storageClassName) && !(${STORAGE_CLASS_PATH}.storageClassName in ${JSON.stringify(Object.keys(STORAGE_CLASSES))})`;

function operatorStages() {
  return operatorKinds().flatMap(kind => {
    const resourceRef = { apiGroup: OPERATOR_API_VERSION, kind };
    const lower = kind.toLowerCase();
    const stages = [
      stage(`${lower}-reconcile`, {
        resourceRef,
        selector: { matchExpressions: [notDeleted, newGeneration] },
        steps: [
          {
            patch: {
              root: 'status',
              subresource: 'status',
              template:
                'updateStatus: expanding\nobservedGeneration: {{ .metadata.generation }}\nreason: null\n',
            },
          },
        ],
      }),
      stage(`${lower}-operational`, {
        resourceRef,
        selector: {
          matchExpressions: [
            notDeleted,
            settled,
            ...(kind === 'VMCluster' ? [cel(`!(${missingStorageClass})`)] : []),
          ],
        },
        delay: { durationMilliseconds: SIMULATED_RECONCILE_MS },
        steps: [
          {
            patch: {
              root: 'status',
              subresource: 'status',
              template: 'updateStatus: operational\n',
            },
          },
        ],
      }),
    ];
    if (kind === 'VMCluster') {
      stages.push(
        stage('vmcluster-failed', {
          resourceRef,
          selector: {
            matchExpressions: [notDeleted, settled, cel(missingStorageClass)],
          },
          delay: { durationMilliseconds: SIMULATED_RECONCILE_MS },
          steps: [
            {
              patch: {
                root: 'status',
                subresource: 'status',
                template:
                  'updateStatus: failed\nreason: {{ printf "cannot create vmstorage: storageclass.storage.k8s.io %q not found" .spec.vmstorage.storage.volumeClaimTemplate.spec.storageClassName | Quote }}\n',
              },
            },
          ],
        }),
      );
    }
    return stages;
  });
}

/**
 * kwok's pod-ready, also for a Running pod that is not Ready: the node lifecycle controller marks
 * pods NotReady while their node misses heartbeats (a restarted stack), and no kubelet is there
 * to mark them Ready again.
 */
function podReadyStage(kwokStageDir: string): string {
  const doc = parseDocument(
    fs.readFileSync(path.join(kwokStageDir, 'pod/fast/pod-ready.yaml'), 'utf8'),
  );
  const expressions = doc.toJS().spec.selector.matchExpressions as {
    key?: string;
    values?: string[];
  }[];
  const phase = expressions.findIndex(e => e.key === '.status.phase');
  if (phase < 0)
    throw new Error("kwok's pod-ready stage has no phase selector");
  doc.setIn(
    ['spec', 'selector', 'matchExpressions', phase, 'values'],
    ['Pending', 'Running'],
  );
  return doc.toString().trim();
}

/** The stages kwok loads, as one multi-document YAML. */
export function kwokStagesYaml(opts: { operator: boolean }): string {
  const kwokStageDir = path.join(path.dirname(BIN.kwok), 'kustomize', 'stage');
  const own = KWOK_STAGE_FILES.map(f =>
    fs.readFileSync(path.join(kwokStageDir, f), 'utf8').trim(),
  );
  const ours = [
    ...volumeStages(),
    ...(opts.operator ? operatorStages() : []),
  ].map(s => stringify(s, { lineWidth: 0 }).trim());
  return `${[...own, podReadyStage(kwokStageDir), ...ours].join('\n---\n')}\n`;
}

/** Writes the stages file; whether it changed (kwok then needs a restart to read it). */
export function writeKwokStages(
  paths: StackPaths,
  opts: { operator: boolean } = { operator: true },
): boolean {
  const file = kwokStagesFile(paths);
  const content = kwokStagesYaml(opts);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  if (current === content) return false;
  fs.writeFileSync(file, content);
  return true;
}
