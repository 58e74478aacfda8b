/**
 * The `kubernetes` secret strategy at apply time: turns the rendered `secret-requirements.json`
 * (names and keys, never values) into Secrets with values, in memory only.
 *
 * Values are re-used from the clusters when they already exist, so a re-run (or a retry after a
 * failure half way) converges on the same passwords instead of rotating them, and nothing secret
 * has to be kept in the task's state. Keys that share a `remoteKey`+`property` (a spoke's
 * remote-write password and the hub-side VMUser's password) get one value on both sides.
 */
import { randomBytes } from 'node:crypto';
import { InputError } from '@backstage/errors';
import { z } from 'zod/v3';
import {
  K8sObject,
  SecretRequirement,
} from '@hubspoke/backstage-plugin-monitoring-manifests';

/** Marks the Secrets this action creates, so an operator can find (and rotate) them. */
export const GENERATED_SECRET_LABEL = 'monitoring.backstage.io/created-by';
const GENERATED_SECRET_LABEL_VALUE = 'monitoring-apply';

const requirementsFileSchema = z.array(
  z.object({
    cluster: z.enum(['hub', 'spoke']),
    namespace: z.string().min(1),
    name: z.string().min(1),
    keys: z.array(z.string().min(1)).min(1),
    description: z.string().default(''),
    sources: z.record(
      z.object({
        source: z.enum(['generate', 'provide', 'identifier']),
        identifier: z.string().optional(),
        remoteKey: z.string(),
        property: z.string(),
      }),
    ),
  }),
);

/**
 * Parses a set's `secret-requirements.json` (as its sealed folder was read); `[]` when the set
 * has none (external-secrets).
 */
export function parseSecretRequirements(
  text: string | undefined,
  dir: string,
  fileName: string,
): SecretRequirement[] {
  if (text === undefined) return [];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InputError(`${dir}/${fileName} is not valid JSON`);
  }
  const parsed = requirementsFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(
      `${dir}/${fileName}: ${issue.path.join('.')}: ${issue.message}`,
    );
  }
  for (const req of parsed.data) {
    const missing = req.keys.filter(k => !req.sources[k]);
    if (missing.length > 0) {
      throw new InputError(
        `${dir}/${fileName}: ${req.namespace}/${req.name} has no source for ${missing.join(', ')}`,
      );
    }
  }
  return parsed.data;
}

/** A Secret as it is in a cluster. */
export interface LiveSecret {
  /** Decoded values by key. */
  values: Record<string, string>;
  /** Whether this action created it (its label): only then may its passwords be shared. */
  createdByApply: boolean;
}

/** Where one requirement goes and what is already there. */
export interface PlacedRequirement {
  requirement: SecretRequirement;
  /** Target cluster name. */
  cluster: string;
  /** The live Secret, if it exists. */
  existing?: LiveSecret;
}

/** Values for keys the operator supplies, by `namespace/name` then key. */
export type ProvidedValues = Record<string, Record<string, string>>;

const secretRef = (r: SecretRequirement) => `${r.namespace}/${r.name}`;

/**
 * Values for every key, or an `InputError` listing the Secrets whose operator-provided keys have
 * no value (neither in `provided` nor in the cluster). Messages name Secrets and keys, never
 * values.
 */
export function resolveSecretValues(
  placed: PlacedRequirement[],
  provided: ProvidedValues,
  log: (message: string) => void,
): Array<Record<string, string>> {
  const known = new Set(
    placed.flatMap(p =>
      p.requirement.keys.map(k => `${secretRef(p.requirement)}:${k}`),
    ),
  );
  const unknown = Object.entries(provided).flatMap(([ref, keys]) =>
    Object.keys(keys)
      .filter(k => !known.has(`${ref}:${k}`))
      .map(k => `${ref} key ${k}`),
  );
  if (unknown.length > 0) {
    throw new InputError(
      `secretValues names keys no rendered Secret has: ${unknown.join(', ')}`,
    );
  }
  const notProvided = placed.flatMap(p =>
    Object.keys(provided[secretRef(p.requirement)] ?? {})
      .filter(k => p.requirement.sources[k].source !== 'provide')
      .map(k => `${secretRef(p.requirement)} key ${k}`),
  );
  if (notProvided.length > 0) {
    throw new InputError(
      `secretValues sets keys that are generated or fixed, not provided by the operator: ${[...new Set(notProvided)].join(', ')}`,
    );
  }

  // One value per shared (remoteKey, property): the first live value found in a Secret this
  // action created, else a new one. Secrets created otherwise are never copied elsewhere.
  const shared = new Map<string, { value: string; from: string }>();
  for (const p of placed) {
    if (!p.existing?.createdByApply) continue;
    for (const key of p.requirement.keys) {
      const src = p.requirement.sources[key];
      const value = p.existing.values[key];
      const id = `${src.remoteKey}\u0000${src.property}`;
      if (src.source === 'generate' && value && !shared.has(id)) {
        shared.set(id, {
          value,
          from: `${secretRef(p.requirement)} in cluster ${p.cluster}`,
        });
      }
    }
  }

  const missing: string[] = [];
  const values = placed.map(p => {
    const out: Record<string, string> = {};
    const lacking: string[] = [];
    for (const key of p.requirement.keys) {
      const src = p.requirement.sources[key];
      const live = p.existing?.values[key];
      if (src.source === 'identifier') {
        out[key] = src.identifier ?? '';
      } else if (src.source === 'provide') {
        const value = provided[secretRef(p.requirement)]?.[key] ?? live;
        if (value === undefined || value === '') lacking.push(key);
        else out[key] = value;
      } else {
        const id = `${src.remoteKey}\u0000${src.property}`;
        let entry = shared.get(id);
        if (!entry) {
          entry = {
            value: randomBytes(24).toString('base64url'),
            from: 'generated',
          };
          shared.set(id, entry);
        } else if (live && live !== entry.value) {
          log(
            `Secret ${secretRef(p.requirement)} in cluster ${p.cluster}: key ${key} differs from ${entry.from}; setting it to match`,
          );
        }
        out[key] = entry.value;
      }
    }
    if (lacking.length > 0)
      missing.push(
        `${secretRef(p.requirement)} in cluster ${p.cluster} (${lacking.join(', ')})`,
      );
    return out;
  });
  if (missing.length > 0) {
    throw new InputError(
      `These Secrets need values only the operator has: ${missing.join('; ')}. ` +
        "Create them in the cluster first, pass them in secretValues from the template's secrets, " +
        'or render with secretStrategy external-secrets.',
    );
  }
  return values;
}

/** The Secret object to apply: values base64-encoded in `data` (server-side apply merges it). */
export function secretObject(
  req: SecretRequirement,
  values: Record<string, string>,
): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: req.name,
      namespace: req.namespace,
      // A fixed value: a field manager name need not be a valid label value.
      labels: { [GENERATED_SECRET_LABEL]: GENERATED_SECRET_LABEL_VALUE },
      ...(req.description
        ? {
            annotations: {
              'monitoring.backstage.io/description': req.description,
            },
          }
        : {}),
    },
    type: 'Opaque',
    data: Object.fromEntries(
      req.keys.map(k => [k, Buffer.from(values[k], 'utf8').toString('base64')]),
    ),
  };
}

/** A live Secret object as this module needs it. */
export function liveSecret(obj: {
  data?: Record<string, string>;
  metadata?: { labels?: Record<string, string> };
}): LiveSecret {
  return {
    values: Object.fromEntries(
      Object.entries(obj.data ?? {}).map(([k, v]) => [
        k,
        Buffer.from(v, 'base64').toString('utf8'),
      ]),
    ),
    createdByApply:
      obj.metadata?.labels?.[GENERATED_SECRET_LABEL] ===
      GENERATED_SECRET_LABEL_VALUE,
  };
}
