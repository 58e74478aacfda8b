/**
 * The three spoke environments of the local stack: one vmagent each, with the cluster name it
 * stamps on everything it writes (through `spokeExternalLabels` from the label contract).
 */
import {
  DEFAULT_ENVIRONMENTS,
  HUB_ENVIRONMENT,
} from '@hubspoke/backstage-plugin-monitoring-common';

export interface SpokeEnvironment {
  /** The `environment` label value: one of the suite's default environments (hub contract). */
  name: (typeof DEFAULT_ENVIRONMENTS)[number];
  /** The `cluster` label value. */
  cluster: string;
  /** The vmagent's HTTP port on 127.0.0.1. */
  vmagentPort: number;
}

export const ENVIRONMENTS: readonly SpokeEnvironment[] = [
  { name: 'dev', cluster: 'dev-cluster', vmagentPort: 8429 },
  { name: 'staging', cluster: 'staging-cluster', vmagentPort: 8430 },
  { name: 'production', cluster: 'prod-cluster', vmagentPort: 8431 },
];

export type EnvironmentName = SpokeEnvironment['name'];

/** The vmauth user a spoke remote-writes as. */
export function spokeUser(env: SpokeEnvironment): string {
  return `spoke-${env.name}`;
}

/**
 * The hub's own vmagent: it scrapes the hub's components (as the hub template's VMAgent scrapes
 * the operator's self-scrape objects) and writes them with the hub's `cluster` label. The hub's
 * name is the local `hub-cluster`'s, so the cluster's catalog entity finds its components.
 */
export const HUB_AGENT = {
  name: 'hub',
  cluster: 'hub-cluster',
  environment: HUB_ENVIRONMENT,
  vmagentPort: 8432,
} as const;
