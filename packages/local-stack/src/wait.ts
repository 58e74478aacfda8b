/** Polling with a shared deadline, failing fast when a process we wait on has died. */

export class StackStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StackStartError';
  }
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

export interface WaitOptions {
  /** Epoch ms after which waiting fails. */
  deadline: number;
  intervalMs?: number;
  /** Called between attempts: a message means "give up now" (e.g. the process exited). */
  abort?: () => string | undefined;
  /** Extra detail for the timeout message (e.g. a log tail). */
  onTimeout?: () => string;
}

/**
 * Calls `check` until it returns `true`; a string return is the current reason it is not
 * ready yet and ends up in the timeout message.
 */
export async function waitUntil(
  what: string,
  check: () => Promise<true | string>,
  opts: WaitOptions,
): Promise<void> {
  let reason = 'not checked yet';
  for (;;) {
    try {
      const res = await check();
      if (res === true) return;
      reason = res;
    } catch (e) {
      reason = e.message;
    }
    const aborted = opts.abort?.();
    if (aborted) throw new StackStartError(`${what}: ${aborted}`);
    if (Date.now() > opts.deadline) {
      const detail = opts.onTimeout ? `\n${opts.onTimeout()}` : '';
      throw new StackStartError(
        `timed out waiting for ${what} (${reason})${detail}`,
      );
    }
    await sleep(opts.intervalMs ?? 500);
  }
}
