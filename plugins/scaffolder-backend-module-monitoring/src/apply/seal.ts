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
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { InputError } from '@backstage/errors';

/** The sub-folder of a rendered folder holding what is not a Kubernetes object. */
export const RENDER_META_DIR = '.monitoring';
export const RENDER_SEAL_FILE = 'render.json';
export const KUSTOMIZATION_FILE = 'kustomization.yaml';

interface SealFile {
  version: 1;
  /** HMAC-SHA256 (hex) by path relative to the rendered folder. */
  files: Record<string, string>;
}

interface Logger {
  warn(message: string): void;
}

let processSeal: RenderSeal | undefined;

export class RenderSeal {
  private constructor(private readonly key: Buffer) {}

  /**
   * From `monitoring.apply.renderKey` (at least 32 characters), or a random key for this process:
   * then only renders of the same backend process can be applied, which is enough while one
   * instance runs each task from render to apply.
   */
  static fromConfig(config: { getOptionalString(key: string): string | undefined }, logger?: Logger): RenderSeal {
    const configured = config.getOptionalString('monitoring.apply.renderKey');
    if (configured !== undefined) {
      if (configured.length < 32) throw new Error('monitoring.apply.renderKey must be at least 32 characters');
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

  private mac(file: string, content: string): string {
    return createHmac('sha256', this.key).update(file).update('\0').update(content).digest('hex');
  }

  /** The seal file's content for the given files (path relative to the folder -> content). */
  seal(files: Record<string, string>): string {
    const sealed: SealFile = { version: 1, files: {} };
    for (const [file, content] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
      sealed.files[file] = this.mac(file, content);
    }
    return `${JSON.stringify(sealed, null, 2)}\n`;
  }

  /**
   * The sealed file names of a folder, once `sealText` is a seal of this key. `where` names the
   * folder in messages.
   */
  open(sealText: string | undefined, where: string): Set<string> & { verify(file: string, content: string): void } {
    const notRendered = `${where} was not written by a monitoring render action (no valid ${RENDER_META_DIR}/${RENDER_SEAL_FILE}): ` +
      'monitoring:apply applies only what monitoring:hub:render, monitoring:spoke:render or monitoring:service:render wrote in this backend';
    if (sealText === undefined) throw new InputError(notRendered);
    let parsed: SealFile;
    try {
      parsed = JSON.parse(sealText);
    } catch {
      throw new InputError(notRendered);
    }
    if (parsed?.version !== 1 || typeof parsed.files !== 'object' || parsed.files === null) throw new InputError(notRendered);
    const macs = new Map(Object.entries(parsed.files).filter(([, v]) => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v)));
    const names = new Set(macs.keys()) as Set<string> & { verify(file: string, content: string): void };
    names.verify = (file: string, content: string) => {
      const expected = macs.get(file);
      const actual = Buffer.from(this.mac(file, content), 'hex');
      if (!expected || !timingSafeEqual(Buffer.from(expected, 'hex'), actual)) {
        throw new InputError(
          `${where}/${file} is not what a monitoring render action wrote (added or changed since): ` +
            'render again instead of editing rendered files; monitoring:apply applies nothing else',
        );
      }
    };
    return names;
  }
}
