/**
 * What a render action wrote, sealed so `monitoring:apply` applies nothing else.
 *
 * A template's other steps (or its author) can put any file into the workspace, and apply runs
 * with a token that may write RBAC. So each render action records an HMAC of every file it
 * writes in `.monitoring/render.json`, keyed with a secret only the backend holds; apply
 * refuses a folder without that record, any manifest it does not list, and any listed file whose
 * content changed. The record sits in a sub-folder, which `kubectl apply -f <folder>` and a
 * kustomization do not read, so the published folder stays appliable by GitOps tools.
 */
import {
  createHash,
  createHmac,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { InputError } from '@backstage/errors';

/** The sub-folder of a rendered folder holding what is not a Kubernetes object. */
export const RENDER_META_DIR = '.monitoring';
export const RENDER_SEAL_FILE = 'render.json';
export const KUSTOMIZATION_FILE = 'kustomization.yaml';

/**
 * What a seal binds a rendered folder to, besides its files: the task, the cluster and, for a
 * service's rules, the component. The MAC covers them, so a folder cannot be carried into
 * another task, aimed at another cluster, or claimed for another entity.
 *
 * @public
 */
export interface SealBinding {
  /** The scaffolder task whose monitoring:apply may apply the folder. */
  task: string;
  /** The only cluster it may be applied to; none: it can be published but not applied. */
  cluster?: string;
  /** For a service's rules: the component (entity ref) they were rendered for. */
  entityRef?: string;
  /** For a service's rules: the service (and namespace) their alerts select. */
  identity?: { service: string; namespace?: string };
}

interface SealFile {
  version: 3;
  /** Which set of a render the folder is: '' for the target's, `hub-side` for a spoke's hub side. */
  role: string;
  task: string;
  cluster: string | null;
  entityRef: string | null;
  /** `[service, namespace or null]` of a service's rules. */
  identity: [string, string | null] | null;
  /** SHA-256 (hex) of each file, by path relative to the folder. */
  files: Record<string, string>;
  /** HMAC-SHA256 (hex) of version, role, binding and the whole file list: no entry can be added, dropped or moved. */
  mac: string;
}

/**
 * Where the seal warns that its key is random per process.
 *
 * @public
 */
export interface SealLogger {
  warn(message: string): void;
}

/**
 * A folder's seal, once its MAC checked out: the files it lists, and a check of each one's bytes.
 *
 * @public
 */
export interface OpenedSeal {
  files: Set<string>;
  /** For a service's rules: the component they were rendered for (as the render checked it). */
  entityRef?: string;
  /** For a service's rules: the service (and namespace) they select. */
  identity?: { service: string; namespace?: string };
  verify(file: string, content: Buffer): void;
}

const sha256 = (content: Buffer | string) =>
  createHash('sha256').update(content).digest('hex');

/** Code-unit order (not the locale's), so the MAC is the same everywhere. */
function byCodeUnits(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

let processSeal: RenderSeal | undefined;

/** The fewest bytes `monitoring.apply.renderKey` may decode to: HMAC-SHA256's own size. */
const RENDER_KEY_BYTES = 32;

/**
 * `monitoring.apply.renderKey` decoded: base64 (standard or URL-safe, padded or not) of at least
 * 32 bytes that do not look made up - not one repeated byte, a short repeated pattern or a
 * counting sequence (32 random bytes have about 30 different values). The message never holds
 * the key.
 */
function decodeRenderKey(configured: string): Buffer {
  const how =
    'set it to at least 32 random bytes in base64, e.g. the output of `openssl rand -base64 32`';
  const text = configured.trim();
  const normalized = text.replace(/-/g, '+').replace(/_/g, '/');
  const key = Buffer.from(normalized, 'base64');
  if (
    !/^[A-Za-z0-9+/]*={0,2}$/.test(normalized) ||
    key.toString('base64').replace(/=+$/, '') !== normalized.replace(/=+$/, '')
  )
    throw new Error(`monitoring.apply.renderKey is not base64: ${how}`);
  if (key.length < RENDER_KEY_BYTES)
    throw new Error(
      `monitoring.apply.renderKey decodes to ${key.length} bytes, fewer than ${RENDER_KEY_BYTES}: ${how}`,
    );
  const step = (key[1] - key[0] + 256) % 256;
  const counting = key.every(
    (b, i) => i === 0 || (b - key[i - 1] + 256) % 256 === step,
  );
  if (new Set(key).size < 16 || counting)
    throw new Error(
      `monitoring.apply.renderKey is not random (too few different bytes, or a sequence): ${how}`,
    );
  return key;
}

/**
 * The seal a render puts on what it writes and apply checks (HMAC-SHA256 over the file list).
 *
 * @public
 */
export class RenderSeal {
  private constructor(private readonly key: Buffer) {}

  /**
   * From `monitoring.apply.renderKey` (base64 of at least 32 random bytes, e.g.
   * `openssl rand -base64 32`; anything else is an `Error` at start-up), or a random key for this
   * process: then only renders of the same backend process can be applied, which is enough while
   * one instance runs each task from render to apply.
   */
  static fromConfig(
    config: { getOptionalString(key: string): string | undefined },
    logger?: SealLogger,
  ): RenderSeal {
    const configured = config.getOptionalString('monitoring.apply.renderKey');
    if (configured !== undefined) {
      return new RenderSeal(decodeRenderKey(configured));
    }
    logger?.warn(
      'monitoring.apply.renderKey is not set: rendered folders can be applied only by this backend process ' +
        '(set it on every instance when several run tasks, or across restarts)',
    );
    return RenderSeal.random();
  }

  static random(): RenderSeal {
    return new RenderSeal(randomBytes(32));
  }

  /** One random seal per process: what actions created without a seal share (and tests use). */
  static forProcess(): RenderSeal {
    processSeal ??= RenderSeal.random();
    return processSeal;
  }

  private mac(
    role: string,
    binding: {
      task: string;
      cluster: string | null;
      entityRef: string | null;
      identity: [string, string | null] | null;
    },
    files: Record<string, string>,
  ): string {
    const canonical = JSON.stringify([
      3,
      role,
      binding.task,
      binding.cluster,
      binding.entityRef,
      binding.identity,
      Object.entries(files).sort(([a], [b]) => byCodeUnits(a, b)),
    ]);
    return createHmac('sha256', this.key).update(canonical).digest('hex');
  }

  /** The seal file's content for a folder's files (path relative to the folder -> content). */
  seal(
    role: string,
    files: Record<string, string>,
    binding: SealBinding,
  ): string {
    const digests = Object.fromEntries(
      Object.entries(files).map(([file, content]) => [file, sha256(content)]),
    );
    const bound = {
      task: binding.task,
      cluster: binding.cluster ?? null,
      entityRef: binding.entityRef ?? null,
      identity: binding.identity
        ? ([binding.identity.service, binding.identity.namespace ?? null] as [
            string,
            string | null,
          ])
        : null,
    };
    const sealed: SealFile = {
      version: 3,
      role,
      ...bound,
      files: digests,
      mac: this.mac(role, bound, digests),
    };
    return `${JSON.stringify(sealed, null, 2)}\n`;
  }

  /**
   * The seal of a folder holding the `role` set, once its MAC is this key's and it is bound to
   * `expect`'s task and cluster. `where` names the folder in messages.
   */
  open(
    sealText: string | undefined,
    where: string,
    role: string,
    expect: { task: string; cluster: string },
  ): OpenedSeal {
    const notRendered = new InputError(
      `${where} was not written by a monitoring render action (no valid ${RENDER_META_DIR}/${RENDER_SEAL_FILE}): ` +
        'monitoring:apply applies only what monitoring:hub:render, monitoring:spoke:render or monitoring:service:render wrote in this backend',
    );
    let parsed: SealFile;
    try {
      parsed = JSON.parse(sealText ?? '');
    } catch {
      throw notRendered;
    }
    const files = parsed?.files;
    if (
      parsed?.version !== 3 ||
      typeof parsed.task !== 'string' ||
      !(parsed.cluster === null || typeof parsed.cluster === 'string') ||
      !(parsed.entityRef === null || typeof parsed.entityRef === 'string') ||
      !(
        parsed.identity === null ||
        (Array.isArray(parsed.identity) &&
          parsed.identity.length === 2 &&
          typeof parsed.identity[0] === 'string' &&
          (parsed.identity[1] === null ||
            typeof parsed.identity[1] === 'string'))
      ) ||
      typeof parsed.mac !== 'string' ||
      !/^[0-9a-f]{64}$/.test(parsed.mac)
    )
      throw notRendered;
    if (
      typeof files !== 'object' ||
      files === null ||
      !Object.values(files).every(v => typeof v === 'string')
    )
      throw notRendered;
    // The role is the one apply expects here, not the one the file claims.
    const bound = {
      task: parsed.task,
      cluster: parsed.cluster,
      entityRef: parsed.entityRef,
      identity: parsed.identity,
    };
    const expected = Buffer.from(this.mac(role, bound, files), 'hex');
    if (!timingSafeEqual(Buffer.from(parsed.mac, 'hex'), expected))
      throw notRendered;
    if (bound.task !== expect.task) {
      throw new InputError(
        `${where} was rendered by another task: monitoring:apply applies only what a render step of the same task wrote`,
      );
    }
    if (bound.cluster === null) {
      throw new InputError(
        `${where} was rendered without a target cluster, so it cannot be applied: give the render step the cluster (clusterName for a hub, hubCluster for a spoke's hub-side/ or a service's rules)`,
      );
    }
    if (bound.cluster !== expect.cluster) {
      throw new InputError(
        `${where} was rendered for cluster ${bound.cluster}, not ${expect.cluster.slice(0, 100)}: monitoring:apply applies it only there`,
      );
    }
    return {
      files: new Set(Object.keys(files)),
      ...(bound.entityRef !== null ? { entityRef: bound.entityRef } : {}),
      ...(bound.identity !== null
        ? {
            identity: {
              service: bound.identity[0],
              ...(bound.identity[1] !== null
                ? { namespace: bound.identity[1] }
                : {}),
            },
          }
        : {}),
      verify: (file: string, content: Buffer) => {
        if (files[file] !== sha256(content)) {
          throw new InputError(
            `${where}/${file} is not what a monitoring render action wrote (added or changed since): ` +
              'render again instead of editing rendered files; monitoring:apply applies nothing else',
          );
        }
      },
    };
  }
}
