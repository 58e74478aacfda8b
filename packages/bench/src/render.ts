/**
 * Render benchmark (`npm run bench -- render`, also part of `entity`): render and validate a
 * hub and 100 spokes with the public builders of @hubspoke/backstage-plugin-monitoring-manifests,
 * as the scaffolder module's actions do before writing, and return the elapsed milliseconds.
 * The design target is "well under a second".
 */
import {
  buildHub,
  buildSpoke,
  K8sObject,
  validateObjects,
} from '@hubspoke/backstage-plugin-monitoring-manifests';
import { stringify } from 'yaml';

const ENVIRONMENTS = ['dev', 'staging', 'production'];
/** The YAML options the module's actions write with (its writeManifests). */
const YAML_OPTIONS = { lineWidth: 0, aliasDuplicateObjects: false } as const;

export interface RenderBenchOptions {
  /** Number of spokes (default 100). */
  spokes?: number;
  /** Also serialise every object to YAML, as the actions do when writing (default true). */
  serialize?: boolean;
}

/**
 * Renders + validates (+ serialises) a hub and `spokes` spokes and returns the elapsed ms. The
 * first call in a process includes loading the CRD schemas and compiling the validators it
 * needs (they are cached in module scope), later calls measure the steady state.
 */
export function renderBench(options: RenderBenchOptions = {}): number {
  const spokes = options.spokes ?? 100;
  const serialize = options.serialize ?? true;
  const start = performance.now();
  let bytes = 0;
  const finish = (objects: K8sObject[]) => {
    validateObjects(objects);
    if (serialize)
      for (const obj of objects) bytes += stringify(obj, YAML_OPTIONS).length;
  };
  finish(
    buildHub({
      name: 'hub',
      storageClass: 'gp3',
      sharedStorageClass: 'efs',
      grafanaDomain: 'grafana.example.com',
    }).objects,
  );
  for (let i = 0; i < spokes; i++) {
    const spoke = buildSpoke({
      clusterName: `spoke-${String(i).padStart(3, '0')}`,
      environment: ENVIRONMENTS[i % ENVIRONMENTS.length],
      hubUrl: 'https://vmauth.hub.example.com',
      storageClass: 'gp3',
      secretStrategy: i % 2 === 0 ? 'kubernetes' : 'external-secrets',
    });
    finish([...spoke.spoke, ...spoke.hub]);
  }
  const elapsed = performance.now() - start;
  if (serialize && bytes === 0) throw new Error('nothing rendered');
  return elapsed;
}
