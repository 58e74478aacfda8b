/**
 * The three spoke environments of the local stack: one vmagent each, with the cluster name it
 * stamps on everything it writes (through `spokeExternalLabels` from the label contract).
 */

export interface SpokeEnvironment {
  /** The `environment` label value. */
  name: 'dev' | 'staging' | 'production';
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
