import fs from 'node:fs';
import path from 'node:path';

/** The repository's root: this package lives in packages/repo-checks. */
// eslint-disable-next-line no-restricted-syntax -- tooling run from the repository, never bundled
export const repoRoot = path.resolve(__dirname, '../../..');

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));

/**
 * The versions of the Backstage release named in backstage.json, from its manifest in
 * release-manifests/ (same format as Backstage's release manifests).
 *
 * @internal
 */
export function readReleaseManifest(root = repoRoot): {
  releaseVersion: string;
  versions: Map<string, string>;
} {
  const { version } = readJson(path.join(root, 'backstage.json'));
  const manifest = readJson(
    path.join(
      root,
      'packages/repo-checks/release-manifests',
      `${version}.json`,
    ),
  );
  if (manifest.releaseVersion !== version) {
    throw new Error(
      `Manifest for ${version} says it is release ${manifest.releaseVersion}`,
    );
  }
  return {
    releaseVersion: version,
    versions: new Map(
      manifest.packages.map((p: { name: string; version: string }) => [
        p.name,
        p.version,
      ]),
    ),
  };
}

/** @internal */
export type LockedPackage = { name: string; version: string; path: string };

/**
 * Every installed copy of a `@backstage/*` package that package-lock.json records, with the
 * folder it is installed in (nested copies included).
 *
 * @internal
 */
export function lockedBackstagePackages(
  lockfile = path.join(repoRoot, 'package-lock.json'),
): LockedPackage[] {
  const lock = readJson(lockfile);
  const locked: LockedPackage[] = [];
  for (const [installPath, entry] of Object.entries<{
    version?: string;
    link?: boolean;
  }>(lock.packages ?? {})) {
    const at = installPath.lastIndexOf('node_modules/');
    if (at < 0 || entry.link) continue;
    const name = installPath.slice(at + 'node_modules/'.length);
    if (!name.startsWith('@backstage/')) continue;
    locked.push({ name, version: entry.version ?? '', path: installPath });
  }
  return locked;
}

/**
 * What is wrong with a lockfile against the release: a `@backstage/*` package outside it, at
 * another version, or installed more than once (at any version, the same one included).
 *
 * @internal
 */
export function releaseProblems(lockfile?: string, root = repoRoot): string[] {
  const { releaseVersion, versions } = readReleaseManifest(root);
  const problems: string[] = [];
  const copies = new Map<string, string[]>();
  for (const { name, version, path: at } of lockedBackstagePackages(lockfile)) {
    copies.set(name, [...(copies.get(name) ?? []), `${at}@${version}`]);
    const expected = versions.get(name);
    if (!expected) {
      problems.push(
        `${name} is not part of Backstage ${releaseVersion} (${at})`,
      );
    } else if (version !== expected) {
      problems.push(
        `${at} is ${version}, Backstage ${releaseVersion} has ${expected}`,
      );
    }
  }
  for (const [name, found] of copies) {
    if (found.length > 1) {
      problems.push(
        `${name} is installed ${found.length} times: ${found.join(', ')}`,
      );
    }
  }
  return problems;
}
