/** The environment the portal backend (and integration tests) use to reach the local stack. */
import { PORTAL_USER, URLS } from './endpoints';
import { stackPaths } from './paths';
import { ensurePassword } from './secrets';

export interface StackEnv {
  MONITORING_VMSELECT_URL: string;
  MONITORING_VMSELECT_USERNAME: string;
  MONITORING_VMSELECT_PASSWORD: string;
  MONITORING_VMALERT_URL: string;
  MONITORING_ALERTMANAGER_URL: string;
  MONITORING_VM_DIRECT_URL: string;
}

/** Reads (creating on first use) the portal password from the stack's data dir. */
export function stackEnv(opts: { dir?: string } = {}): StackEnv {
  const paths = stackPaths(opts.dir);
  return {
    MONITORING_VMSELECT_URL: `${URLS.vmauth}/prometheus`,
    MONITORING_VMSELECT_USERNAME: PORTAL_USER,
    MONITORING_VMSELECT_PASSWORD: ensurePassword(paths, PORTAL_USER),
    MONITORING_VMALERT_URL: URLS.vmalert,
    MONITORING_ALERTMANAGER_URL: URLS.alertmanager,
    MONITORING_VM_DIRECT_URL: URLS.victoriaMetrics,
  };
}

const shellQuote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;

/** `export NAME='value'` lines for `eval "$(... stack env)"`. */
export function formatEnvExports(env: StackEnv): string {
  return Object.entries(env)
    .map(([k, v]) => `export ${k}=${shellQuote(v)}`)
    .join('\n');
}
