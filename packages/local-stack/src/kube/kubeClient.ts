/** A small client for one local cluster: server-side apply, reads and lists, as the admin. */
import { execFile } from 'node:child_process';
import {
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';

export const STACK_FIELD_MANAGER = 'monitoring-local-stack';

/**
 * `kubectl apply --server-side --force-conflicts` of a file or folder with the stack's own
 * kubectl; `what` names it in the error (the last lines of kubectl's stderr, never its stdout).
 */
export function kubectlServerSideApply(opts: {
  kubectl: string;
  kubeconfig: string;
  fieldManager: string;
  path: string;
  what: string;
}): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile(
      opts.kubectl,
      [
        `--kubeconfig=${opts.kubeconfig}`,
        'apply',
        '--server-side',
        '--force-conflicts',
        `--field-manager=${opts.fieldManager}`,
        '-f',
        opts.path,
      ],
      { timeout: 60_000 },
      (err, _stdout, stderr) => {
        if (!err) return resolve();
        const tail = String(stderr).trim().split('\n').slice(-3).join(' ');
        return reject(new Error(`${opts.what} failed: ${tail}`));
      },
    ),
  );
}

export interface KubeClient {
  objects: KubernetesObjectApi;
  core: CoreV1Api;
  /** Server-side apply (forced: the stack owns what it bootstraps). */
  apply(obj: Record<string, any>): Promise<Record<string, any>>;
  /** The object, or undefined when it does not exist. */
  read(ref: {
    apiVersion: string;
    kind: string;
    name: string;
    namespace?: string;
  }): Promise<Record<string, any> | undefined>;
}

export function kubeClient(opts: {
  name: string;
  server: string;
  caData: string;
  token: string;
}): KubeClient {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: opts.name, server: opts.server, caData: opts.caData }],
    users: [{ name: 'user', token: opts.token }],
    contexts: [{ name: opts.name, cluster: opts.name, user: 'user' }],
    currentContext: opts.name,
  });
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const core = kc.makeApiClient(CoreV1Api);
  return {
    objects,
    core,
    apply: obj =>
      objects.patch(
        obj as any,
        undefined,
        undefined,
        STACK_FIELD_MANAGER,
        true,
        PatchStrategy.ServerSideApply,
      ) as Promise<Record<string, any>>,
    read: async ({ apiVersion, kind, name, namespace }) => {
      try {
        return (await objects.read({
          apiVersion,
          kind,
          metadata: { name, namespace },
        })) as Record<string, any>;
      } catch (e) {
        if ((e as { code?: number }).code === 404) return undefined;
        throw e;
      }
    },
  };
}
