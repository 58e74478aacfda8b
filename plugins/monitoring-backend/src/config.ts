import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { PanelUnit } from '@internal/plugin-monitoring-common';
import { BUILT_IN_PROFILES, PanelTemplate, Profiles, unknownPlaceholders } from './profiles';

export type VmSelectAuth =
  | { type: 'basic'; username: string; password: string }
  | { type: 'bearer'; token: string };

export interface VmSelectConfig {
  /** Base URL without a trailing slash, e.g. `https://vmauth.hub/select/0/prometheus`. */
  baseUrl: string;
  auth?: VmSelectAuth;
  timeoutMs: number;
  maxConcurrency: number;
}

export interface MonitoringConfig {
  vmselect: VmSelectConfig;
  environments: string[];
  profiles: Profiles;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_ENVIRONMENTS = ['dev', 'staging', 'production'];
const UNITS: PanelUnit[] = ['reqps', 'ratio', 'seconds', 'cores', 'bytes', 'none'];

function readAuth(config: Config | undefined): VmSelectAuth | undefined {
  if (!config) return undefined;
  const username = config.getOptionalString('username');
  const password = config.getOptionalString('password');
  const token = config.getOptionalString('token');
  if (token && (username || password)) {
    throw new Error('monitoring.vmselect.auth: set either username/password or token, not both');
  }
  if (token) return { type: 'bearer', token };
  if (username && password !== undefined) return { type: 'basic', username, password };
  if (username || password) {
    throw new Error('monitoring.vmselect.auth: basic auth needs both username and password');
  }
  return undefined;
}

function readBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`monitoring.vmselect.url is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error('monitoring.vmselect.url must be http or https');
  }
  if (url.username || url.password) {
    // Credentials in the URL would end up in logs and error messages.
    throw new Error('monitoring.vmselect.url must not hold credentials; use monitoring.vmselect.auth');
  }
  if (url.search || url.hash) {
    throw new Error('monitoring.vmselect.url must not have a query string or fragment');
  }
  return url.toString().replace(/\/+$/, '');
}

function readProfiles(config: Config | undefined): Profiles {
  const profiles: Profiles = { ...BUILT_IN_PROFILES };
  for (const name of config?.keys() ?? []) {
    const panels = config!.getConfigArray(`${name}.panels`).map((p, i): PanelTemplate => {
      const where = `monitoring.profiles.${name}.panels[${i}]`;
      const unit = (p.getOptionalString('unit') ?? 'none') as PanelUnit;
      if (!UNITS.includes(unit)) throw new Error(`${where}.unit must be one of ${UNITS.join(', ')}`);
      const query = p.getString('query');
      const unknown = unknownPlaceholders(query);
      if (unknown.length) {
        throw new Error(`${where}.query uses unknown placeholders: ${unknown.map(u => `$${u}`).join(', ')}`);
      }
      if (!query.includes('$selector') && !query.includes('$podSelector')) {
        throw new Error(`${where}.query must restrict to the entity with $selector or $podSelector`);
      }
      return { id: p.getString('id'), title: p.getString('title'), unit, query };
    });
    if (!panels.length) throw new Error(`monitoring.profiles.${name} has no panels`);
    profiles[name] = panels;
  }
  return profiles;
}

/** Reads and checks `monitoring.*`; a mistake fails start-up with the key named. */
export function readMonitoringConfig(root: Config): MonitoringConfig {
  const config = root.getConfig('monitoring');
  const vmselect = config.getConfig('vmselect');
  const timeoutMs = vmselect.has('timeout')
    ? durationToMilliseconds(readDurationFromConfig(vmselect, { key: 'timeout' }))
    : DEFAULT_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw new Error('monitoring.vmselect.timeout must be positive');
  const maxConcurrency = vmselect.getOptionalNumber('maxConcurrency') ?? 8;
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1) {
    throw new Error('monitoring.vmselect.maxConcurrency must be a positive integer');
  }
  return {
    vmselect: {
      baseUrl: readBaseUrl(vmselect.getString('url')),
      auth: readAuth(vmselect.getOptionalConfig('auth')),
      timeoutMs,
      maxConcurrency,
    },
    environments: config.getOptionalStringArray('environments') ?? DEFAULT_ENVIRONMENTS,
    profiles: readProfiles(config.getOptionalConfig('profiles')),
  };
}
