/**
 * Checks on the repository itself (not published).
 *
 * @packageDocumentation
 */
export { readReleaseManifest, lockedBackstagePackages } from './release';
export type { LockedPackage } from './release';
