/**
 * Credentials. The builders only ever reference Secrets (`secretKeyRef`, `passwordRef`,
 * `configSecret`); they never render a Secret with a value. Per strategy:
 * - `kubernetes`: the required Secrets are returned as a list (names, keys, where each value
 *   comes from, no values) for the apply step to create;
 * - `external-secrets`: an `ExternalSecret` per required Secret is rendered instead.
 */
import { EXTERNAL_SECRETS_API_VERSION } from '../validation/externalSecret';
import { object } from './common';
import {
  K8sObject,
  SecretRequirement,
  SecretStoreRef,
  SecretStrategy,
} from './types';

export interface SecretsResult {
  /** `ExternalSecret` objects (strategy `external-secrets`), else empty. */
  objects: K8sObject[];
  /** Secrets the apply step must create (strategy `kubernetes`), else empty. */
  secrets: SecretRequirement[];
}

export function resolveSecrets(
  required: SecretRequirement[],
  opts: {
    strategy: SecretStrategy;
    store: SecretStoreRef;
    labels: Record<string, string>;
  },
): SecretsResult {
  if (opts.strategy === 'kubernetes') return { objects: [], secrets: required };
  return {
    objects: required.map(req => externalSecret(req, opts.store, opts.labels)),
    secrets: [],
  };
}

function externalSecret(
  req: SecretRequirement,
  store: SecretStoreRef,
  labels: Record<string, string>,
): K8sObject {
  return object(
    EXTERNAL_SECRETS_API_VERSION,
    'ExternalSecret',
    { name: req.name, namespace: req.namespace, labels },
    {
      spec: {
        refreshInterval: '1h',
        secretStoreRef: { name: store.name, kind: store.kind },
        target: { name: req.name, creationPolicy: 'Owner' },
        data: req.keys.map(key => ({
          secretKey: key,
          remoteRef: {
            key: req.sources[key].remoteKey,
            property: req.sources[key].property,
          },
        })),
      },
    },
  );
}

/** A requirement whose keys are all generated (passwords) or provided by the operator. */
export function requirement(
  base: Omit<SecretRequirement, 'keys' | 'sources'>,
  remoteKey: string,
  keys: Record<
    string,
    SecretRequirement['sources'][string]['source'] | { identifier: string }
  >,
): SecretRequirement {
  const sources: SecretRequirement['sources'] = {};
  for (const [key, src] of Object.entries(keys)) {
    sources[key] =
      typeof src === 'string'
        ? { source: src, remoteKey, property: key }
        : {
            source: 'identifier',
            identifier: src.identifier,
            remoteKey,
            property: key,
          };
  }
  return { ...base, keys: Object.keys(keys), sources };
}
