/**
 * Shared types of the manifest builders.
 */

/**
 * A Kubernetes object as rendered: plain JSON, ready for `yaml.stringify` or server-side apply.
 *
 * @public
 */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

/** How credentials reach the clusters. */
export type SecretStrategy = 'kubernetes' | 'external-secrets';

/**
 * Where the value of one key of a required Secret comes from. Never a value itself.
 *
 * @public
 */
export interface SecretKeySource {
  /**
   * `generate`: a random value the apply step generates once per `remoteKey`+`property` (two keys
   * with the same pair must hold the same value, e.g. a spoke's remote-write password and the
   * hub-side VMUser's password); `provide`: supplied by the operator (database credentials,
   * Alertmanager receivers); `identifier`: a non-secret identifier, see `identifier`.
   */
  source: 'generate' | 'provide' | 'identifier';
  /** The non-secret value for `identifier` keys (a vmauth username), never a password. */
  identifier?: string;
  /** The secret-store entry (ExternalSecret `remoteRef.key`) holding the value. */
  remoteKey: string;
  /** The property of that entry (ExternalSecret `remoteRef.property`). */
  property: string;
}

/**
 * A Secret the rendered objects reference. With the `kubernetes` strategy the apply step must
 * create it; with `external-secrets` an `ExternalSecret` producing it is rendered instead.
 *
 * @public
 */
export interface SecretRequirement {
  /** Which side of the stack the Secret lives on. */
  cluster: 'hub' | 'spoke';
  namespace: string;
  name: string;
  keys: string[];
  description: string;
  sources: Record<string, SecretKeySource>;
}

/** The secret store `ExternalSecret`s read from. */
export interface SecretStoreRef {
  name: string;
  kind: 'SecretStore' | 'ClusterSecretStore';
}
