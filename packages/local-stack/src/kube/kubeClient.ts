/** A small client for one local cluster: server-side apply, reads and lists, as the admin. */
import {
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';

export const STACK_FIELD_MANAGER = 'monitoring-local-stack';

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
