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

interface SealFile {
  version: 2;
  /** Which set of a render the folder is: '' for the target's, `hub-side` for a spoke's hub side. */
  role: string;
  /** SHA-256 (hex) of each file, by path relative to the folder. */
  files: Record<string, string>;
  /** HMAC-SHA256 (hex) of version, role and the whole file list: no entry can be added, dropped or moved. */
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

/**
 * The seal a render puts on what it writes and apply checks (HMAC-SHA256 over the file list).
 *
 * @public
 */
export class RenderSeal {
  private constructor(private readonly key: Buffer) {}

  /**
   * From `monitoring.apply.renderKey` (at least 32 characters), or a random key for this process:
   * then only renders of the same backend process can be applied, which is enough while one
   * instance runs each task from render to apply.
   */
  static fromConfig(
    config: { getOptionalString(key: string): string | undefined },
    logger?: SealLogger,
  ): RenderSeal {
    const configured = config.getOptionalString('monitoring.apply.renderKey');
    if (configured !== undefined) {
      if (configured.length < 32)
        throw new Error(
          'monitoring.apply.renderKey must be at least 32 characters',
        );
      return new RenderSeal(Buffer.from(configured, 'utf8'));
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

  private mac(role: string, files: Record<string, string>): string {
    const canonical = JSON.stringify([
      2,
      role,
      Object.entries(files).sort(([a], [b]) => byCodeUnits(a, b)),
    ]);
    return createHmac('sha256', this.key).update(canonical).digest('hex');
  }

  /** The seal file's content for a folder's files (path relative to the folder -> content). */
  seal(role: string, files: Record<string, string>): string {
    const digests = Object.fromEntries(
      Object.entries(files).map(([file, content]) => [file, sha256(content)]),
    );
    const sealed: SealFile = {
      version: 2,
      role,
      files: digests,
      mac: this.mac(role, digests),
    };
    return `${JSON.stringify(sealed, null, 2)}\n`;
  }

  /** The seal of a folder holding the `role` set, once its MAC is this key's. `where` names the folder in messages. */
  open(sealText: string | undefined, where: string, role: string): OpenedSeal {
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
      parsed?.version !== 2 ||
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
    const expected = Buffer.from(this.mac(role, files), 'hex');
    if (!timingSafeEqual(Buffer.from(parsed.mac, 'hex'), expected))
      throw notRendered;
    return {
      files: new Set(Object.keys(files)),
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
