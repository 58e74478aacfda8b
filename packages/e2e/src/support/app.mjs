// What the browser and API tests share: where the app is, a guest's credentials, Debian's
// Chromium, the guest sign-in, and waiting for a template the catalog has not read yet.
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const base = process.env.E2E_BASE_URL ?? 'http://localhost:3000';
export const backend = process.env.E2E_BACKEND_URL ?? 'http://localhost:7007';
export const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

/** Headers of a guest's requests to the backend (JSON bodies). */
export async function guestHeaders() {
  const res = await fetch(`${backend}/api/auth/guest/refresh`);
  assert.equal(res.status, 200);
  const token = (await res.json()).backstageIdentity.token;
  return {
    authorization: `Bearer ${token}`,
    'content-type': 'application/json',
  };
}

/** Debian's Chromium, headless (playwright cannot download its own browser here). */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Clicks through the guest sign-in page, which appears on the first visit only. */
export async function signInAsGuest(page) {
  const enter = page.getByRole('button', { name: /enter/i });
  if (await enter.isVisible({ timeout: 60_000 }).catch(() => false))
    await enter.click();
}

/**
 * The template entity once the catalog has read it (a moment after start-up) and `ready` holds
 * for it; throws after a minute.
 */
export async function waitForTemplate(name, headers, ready = () => true) {
  for (let i = 0; i < 60; i++) {
    const res = await fetch(
      `${backend}/api/catalog/entities/by-name/template/default/${name}`,
      { headers },
    );
    if (res.ok) {
      const entity = await res.json();
      if (ready(entity)) return entity;
    }
    await sleep(1000);
  }
  throw new Error(`template ${name} is not in the catalog`);
}

/**
 * Runs a template for real as a scaffolder task and waits for it to end (up to 4 minutes).
 * Resolves with its status, events, the events as one text (to search for leaked values), the
 * status of each step, its output and, when it did not complete, the failures.
 */
export async function runTask(headers, template, values, secrets = {}) {
  const started = Date.now();
  const created = await fetch(`${backend}/api/scaffolder/v2/tasks`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      templateRef: `template:default/${template}`,
      values,
      secrets,
    }),
  });
  assert.equal(created.status, 201, `task not created (${created.status})`);
  const { id } = await created.json();
  let task;
  for (let i = 0; i < 240; i++) {
    task = await (
      await fetch(`${backend}/api/scaffolder/v2/tasks/${id}`, { headers })
    ).json();
    if (['completed', 'failed', 'cancelled'].includes(task.status)) break;
    await sleep(1000);
  }
  const events = await (
    await fetch(`${backend}/api/scaffolder/v2/tasks/${id}/events`, { headers })
  ).json();
  const stepStatus = {};
  for (const e of events)
    if (e.body?.stepId && e.body?.status)
      stepStatus[e.body.stepId] = e.body.status;
  const failures = events
    .filter(e => e.body?.status === 'failed' || e.body?.error)
    .map(
      e =>
        `${e.body.stepId ?? 'task'}: ${e.body.error?.message ?? e.body.message}`,
    );
  return {
    id,
    status: task.status,
    seconds: ((Date.now() - started) / 1000).toFixed(1),
    events,
    log: JSON.stringify(events),
    stepStatus,
    output: events.find(e => e.type === 'completion')?.body?.output ?? {},
    failures,
  };
}
