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
  return { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
}

/** Debian's Chromium, headless (playwright cannot download its own browser here). */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/** Clicks through the guest sign-in page, which appears on the first visit only. */
export async function signInAsGuest(page) {
  const enter = page.getByRole('button', { name: /enter/i });
  if (await enter.isVisible({ timeout: 60_000 }).catch(() => false)) await enter.click();
}

/**
 * The template entity once the catalog has read it (a moment after start-up) and `ready` holds
 * for it; throws after a minute.
 */
export async function waitForTemplate(name, headers, ready = () => true) {
  for (let i = 0; i < 60; i++) {
    const res = await fetch(`${backend}/api/catalog/entities/by-name/template/default/${name}`, { headers });
    if (res.ok) {
      const entity = await res.json();
      if (ready(entity)) return entity;
    }
    await sleep(1000);
  }
  throw new Error(`template ${name} is not in the catalog`);
}
