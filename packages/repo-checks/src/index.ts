/**
 * Checks on the repository itself (not published).
 *
 * @packageDocumentation
 */
export {
  readReleaseManifest,
  lockedBackstagePackages,
  releaseProblems,
} from './release';
export type { LockedPackage } from './release';
