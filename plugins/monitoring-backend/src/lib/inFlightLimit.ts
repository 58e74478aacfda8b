import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import express from 'express';

/**
 * Runs `work` counted against the caller's in-flight limit, with a signal that aborts when the
 * client goes away (its queries still queued are then not sent).
 */
export type Bounded = <T>(
  credentials: BackstageCredentials,
  res: express.Response,
  work: (signal: AbortSignal) => Promise<T>,
) => Promise<T>;

/**
 * A per-principal limit of requests in flight, shared by every route that uses it (a 503 past
 * `maxPerPrincipal`, other principals are served meanwhile).
 */
export function inFlightLimit(maxPerPrincipal: number): Bounded {
  const inFlight = new Map<string, number>();

  return async function bounded<T>(
    credentials: BackstageCredentials,
    res: express.Response,
    work: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const p = credentials.principal as {
      type?: string;
      userEntityRef?: string;
      subject?: string;
    };
    const who = `${p.type ?? 'none'}:${p.userEntityRef ?? p.subject ?? 'anonymous'}`;
    const count = inFlight.get(who) ?? 0;
    if (count >= maxPerPrincipal) {
      throw new ServiceUnavailableError(
        `${count} of your requests are still running; try again when they finish`,
      );
    }
    inFlight.set(who, count + 1);
    const controller = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) controller.abort();
    };
    res.on('close', onClose);
    try {
      return await work(controller.signal);
    } finally {
      res.off('close', onClose);
      const left = (inFlight.get(who) ?? 1) - 1;
      if (left > 0) inFlight.set(who, left);
      else inFlight.delete(who);
    }
  };
}
