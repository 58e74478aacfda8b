/**
 * A small hand-written schema for `ExternalSecret` (external-secrets.io/v1beta1): no CRD of the
 * External Secrets Operator is shipped with this module, so this checks the fields the builders
 * render and the operator requires.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { getAjv } from './ajv';
import { formatSchemaErrors } from './errors';

/**
 * The apiVersion of the External Secrets Operator's ExternalSecret.
 *
 * @public
 */
export const EXTERNAL_SECRETS_API_VERSION = 'external-secrets.io/v1beta1';

const nonEmpty = { type: 'string', minLength: 1 };

export const EXTERNAL_SECRET_SCHEMA = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: EXTERNAL_SECRETS_API_VERSION },
    kind: { const: 'ExternalSecret' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      required: ['secretStoreRef', 'target', 'data'],
      additionalProperties: false,
      properties: {
        refreshInterval: {
          type: 'string',
          pattern: '^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$',
        },
        secretStoreRef: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: {
            name: nonEmpty,
            kind: { enum: ['SecretStore', 'ClusterSecretStore'] },
          },
        },
        target: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: {
            name: nonEmpty,
            creationPolicy: { enum: ['Owner', 'Orphan', 'Merge', 'None'] },
            deletionPolicy: { enum: ['Delete', 'Merge', 'Retain'] },
          },
        },
        data: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['secretKey', 'remoteRef'],
            additionalProperties: false,
            properties: {
              secretKey: nonEmpty,
              remoteRef: {
                type: 'object',
                required: ['key'],
                additionalProperties: false,
                properties: {
                  key: nonEmpty,
                  property: nonEmpty,
                  version: nonEmpty,
                },
              },
            },
          },
        },
      },
    },
  },
};

let compiled: ValidateFunction | undefined;

/** Field-path error lines; empty when valid. */
export function validateExternalSecret(obj: Record<string, any>): string[] {
  compiled ??= getAjv().compile(EXTERNAL_SECRET_SCHEMA);
  return compiled(obj)
    ? []
    : formatSchemaErrors(compiled.errors as ErrorObject[]);
}
