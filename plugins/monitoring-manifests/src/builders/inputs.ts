/**
 * The inputs of the hub and spoke builders as zod schemas. The scaffolder actions use the same
 * schemas (as their input schema and to parse `ctx.input`), and the builders parse with them
 * too, so a builder called directly rejects exactly what the action rejects.
 */
import { InputError } from '@backstage/errors';
import {
  durationPattern,
  parseDurationSeconds,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { z } from 'zod/v3';
import * as D from './defaults';
import { DNS_LABEL, DNS_SUBDOMAIN, NAME } from './patterns';

type Z = typeof z;

export const ENVIRONMENT = /^[a-z][a-z0-9-]{0,30}$/;
/** The duration grammar (monitoring-common) with one term of s, m, h, d, w or y. */
export const DURATION = new RegExp(durationPattern({ units: 'smhdwy' }));
export const SIZE = /^\d+(Mi|Gi|Ti)$/;
const OUTPUT_PATH = /^(?!\/)(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9._\-/]+$/;

/** Seconds of a {@link DURATION} in the given units (default all of them), NaN otherwise. */
export function durationSeconds(d: string, units = 'smhdwy'): number {
  return parseDurationSeconds(d, { units }) ?? NaN;
}

const name = (zi: Z, what: string) =>
  zi
    .string()
    .max(
      40,
      `${what} must be at most 40 characters (it prefixes Service and Secret names)`,
    )
    .regex(
      NAME,
      `${what} must be lowercase letters, digits and '-', start with a letter and end with a letter or digit`,
    );

const namespace = (zi: Z) =>
  zi
    .string()
    .max(63, 'must be at most 63 characters')
    .regex(
      DNS_LABEL,
      "must be a DNS-1123 label (lowercase letters, digits and '-')",
    )
    .default(D.NAMESPACE);

const storageClass = (zi: Z, what: string) =>
  zi
    .string({ required_error: `${what} is required` })
    .min(1, `${what} is required`)
    .max(253, 'must be at most 253 characters')
    .regex(DNS_SUBDOMAIN, 'must be a DNS-1123 subdomain (a StorageClass name)');

const size = (zi: Z, dflt: string) =>
  zi
    .string()
    .regex(SIZE, 'must be a size like 100Gi (a whole number of Mi, Gi or Ti)')
    .refine(s => Number.parseInt(s, 10) > 0, 'must be larger than zero')
    .default(dflt);

const duration = (zi: Z) =>
  zi
    .string()
    .regex(
      DURATION,
      'must be a duration like 30s, 15d (a whole number of s, m, h, d, w or y)',
    );

const secretInputs = (zi: Z) => ({
  secretStrategy: zi
    .enum(['kubernetes', 'external-secrets'])
    .default('kubernetes')
    .describe(
      'How credentials reach the cluster: "kubernetes" lists the Secrets the apply step creates (no values in the workspace); "external-secrets" renders ExternalSecret objects',
    ),
  secretStore: zi
    .object({
      name: zi
        .string()
        .regex(DNS_SUBDOMAIN, 'must be a DNS-1123 subdomain')
        .describe('Name of the (Cluster)SecretStore'),
      kind: zi
        .enum(['SecretStore', 'ClusterSecretStore'])
        .describe('Kind of the secret store'),
    })
    .default({ ...D.SECRET_STORE })
    .describe(
      'The secret store ExternalSecrets read from (secretStrategy external-secrets)',
    ),
  remoteKeyPrefix: zi
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._\-/]*$/,
      'must be a secret-store path like monitoring/prod',
    )
    .default(D.REMOTE_KEY_PREFIX)
    .describe('Prefix of the secret-store keys credentials are kept under'),
});

const outputPath = (zi: Z) =>
  zi
    .string()
    .regex(
      OUTPUT_PATH,
      "must be a relative path inside the workspace, without '.' or '..' segments",
    );

const replica = (zi: Z, component: keyof typeof D.MAX_REPLICAS) =>
  zi
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(
      D.MAX_REPLICAS[component],
      `must be at most ${D.MAX_REPLICAS[component]} (the architecture's scalability limit, docs/architecture.md)`,
    )
    .optional()
    .describe(`Replicas of ${component} (default ${D.REPLICAS[component]})`);

/**
 * The hub's input schema, built with the given zod instance (the scaffolder passes its own).
 *
 * @public
 */
export function hubInputSchema(zi: Z) {
  return zi
    .object({
      name: name(zi, 'name').describe(
        "Name of the hub: the VMCluster, VMAuth, VMAlert, ... and the hub's own cluster label",
      ),
      clusterName: name(zi, 'clusterName')
        .default('hub-cluster')
        .describe(
          'The Kubernetes cluster the hub runs in (default hub-cluster): its Resource in the catalog decides who may render and apply it (monitoring.stack.write, or monitoring.stack.create when the catalog has none), and monitoring:apply in this task may apply the render only to it',
        ),
      namespace: namespace(zi).describe('Namespace of the hub'),
      storageClass: storageClass(zi, 'storageClass').describe(
        'StorageClass of the vmstorage, vmselect-cache and vmagent volumes (e.g. gp3)',
      ),
      sharedStorageClass: storageClass(zi, 'sharedStorageClass')
        .optional()
        .describe(
          'ReadWriteMany StorageClass of the Grafana plugin volume (e.g. efs); default storageClass',
        ),
      grafanaDomain: zi
        .string({ required_error: 'grafanaDomain is required' })
        .max(253, 'must be at most 253 characters')
        .regex(DNS_SUBDOMAIN, 'must be a host name like grafana.example.com')
        .describe(
          'Public host name of Grafana (its root URL is https://<grafanaDomain>/)',
        ),
      environment: zi
        .string()
        .regex(ENVIRONMENT, 'must match ^[a-z][a-z0-9-]{0,30}$')
        .default(D.HUB_ENVIRONMENT)
        .describe("environment label of the hub's own metrics"),
      retention: duration(zi)
        .refine(
          d => durationSeconds(d, 'hdwy') >= 86400,
          "must be at least 1d, in h, d, w or y (VictoriaMetrics' minimum retention)",
        )
        .default(D.RETENTION)
        .describe('Retention of the metrics (default 15d)'),
      storageSize: size(zi, D.STORAGE.vmstorage).describe(
        'Volume size of each vmstorage replica (default 100Gi)',
      ),
      replicas: zi
        .object({
          vminsert: replica(zi, 'vminsert'),
          vmselect: replica(zi, 'vmselect'),
          vmstorage: replica(zi, 'vmstorage'),
          vmauth: replica(zi, 'vmauth'),
          vmalert: replica(zi, 'vmalert'),
          grafana: replica(zi, 'grafana'),
        })
        .strict()
        .default({})
        .describe('Replica overrides per component'),
      ...secretInputs(zi),
      outputPath: outputPath(zi)
        .default('hub')
        .describe('Workspace folder the manifests are written to'),
    })
    .strict()
    .superRefine((v, ctx) => {
      const storage = v.replicas.vmstorage ?? D.REPLICAS.vmstorage;
      if (storage < D.REPLICATION_FACTOR) {
        ctx.addIssue({
          code: 'custom',
          path: ['replicas', 'vmstorage'],
          message: `must be at least the replication factor ${D.REPLICATION_FACTOR}`,
        });
      }
    });
}

function isLoopback(host: string) {
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
}

/** Why a hub URL is not acceptable, or undefined when it is. */
export function hubUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL like https://vmauth.hub.example.com';
  }
  if (
    url.protocol !== 'https:' &&
    !(url.protocol === 'http:' && isLoopback(url.hostname))
  ) {
    return 'must use https (http only for localhost or 127.0.0.1)';
  }
  if (url.username || url.password) return 'must not contain credentials';
  if (url.search || url.hash) return 'must not contain a query or fragment';
  return undefined;
}

/**
 * A spoke's input schema, built with the given zod instance (the scaffolder passes its own).
 *
 * @public
 */
export function spokeInputSchema(zi: Z) {
  return zi
    .object({
      clusterName: name(zi, 'clusterName').describe(
        'Name of the spoke cluster: its cluster label on every series',
      ),
      environment: zi
        .string({ required_error: 'environment is required' })
        .regex(
          ENVIRONMENT,
          'must match ^[a-z][a-z0-9-]{0,30}$ (e.g. dev, staging, production)',
        )
        .describe('environment label on every series of this spoke'),
      hubUrl: zi
        .string({ required_error: 'hubUrl is required' })
        .superRefine((v, ctx) => {
          const problem = hubUrlProblem(v);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        })
        .describe(
          "Base URL of the hub's vmauth (https); remote write goes to <hubUrl>/insert/0/prometheus/api/v1/write",
        ),
      namespace: namespace(zi).describe(
        "Namespace of the spoke's vmagent and exporters",
      ),
      hubName: name(zi, 'hubName')
        .default('hub')
        .describe('Name of the hub (its VMCluster) the spoke writes to'),
      hubCluster: name(zi, 'hubCluster')
        .optional()
        .describe(
          "The hub's Kubernetes cluster: monitoring:apply in this task may apply the hub-side/ folder only to it (without it, only the spoke's own folder can be applied)",
        ),
      hubNamespace: namespace(zi).describe(
        "Namespace of the hub, where the spoke's VMUser is created",
      ),
      storageClass: storageClass(zi, 'storageClass').describe(
        'StorageClass of the vmagent persistent queue',
      ),
      queueSize: size(zi, D.STORAGE.vmagentQueue).describe(
        'Size of the vmagent persistent queue (default 10Gi)',
      ),
      scrapeInterval: duration(zi)
        .refine(
          d =>
            durationSeconds(d, 'smh') >= 5 && durationSeconds(d, 'smh') <= 600,
          'must be between 5s and 10m, in s, m or h',
        )
        .default(D.SCRAPE_INTERVAL)
        .describe("Scrape interval of the spoke's vmagent (default 30s)"),
      ...secretInputs(zi),
      outputPath: outputPath(zi)
        .optional()
        .describe(
          'Workspace folder the manifests are written to (default spokes/<clusterName>)',
        ),
    })
    .strict();
}

/**
 * The hub's input schema (zod), as `monitoring:hub:render` validates its input.
 *
 * @public
 */
export const hubSchema = hubInputSchema(z);
/**
 * A spoke's input schema (zod), as `monitoring:spoke:render` validates its input.
 *
 * @public
 */
export const spokeSchema = spokeInputSchema(z);

/**
 * What a caller may pass (defaults optional).
 *
 * @public
 */
export type HubInput = z.input<typeof hubSchema>;
/** @public */
export type SpokeInput = z.input<typeof spokeSchema>;
/**
 * A hub's input after parsing: defaults applied.
 *
 * @public
 */
export type HubOptions = z.output<typeof hubSchema>;
/**
 * A spoke's input after parsing: defaults applied.
 *
 * @public
 */
export type SpokeOptions = z.output<typeof spokeSchema>;

function formatIssues(error: z.ZodError): string {
  return error.issues
    .map(i => `${i.path.length ? i.path.join('.') : '(input)'}: ${i.message}`)
    .join('; ');
}

function parseWith<T>(
  schema: z.ZodType<T, any, any>,
  what: string,
  raw: unknown,
): T {
  const result = schema.safeParse(raw);
  if (!result.success)
    throw new InputError(
      `Invalid ${what} input: ${formatIssues(result.error)}`,
    );
  return result.data;
}

export const parseHubInput = (raw: unknown): HubOptions =>
  parseWith(hubSchema, 'hub', raw);
export const parseSpokeInput = (raw: unknown): SpokeOptions =>
  parseWith(spokeSchema, 'spoke', raw);
