import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import semver from 'semver';
import {
  lockedBackstagePackages,
  readReleaseManifest,
  releaseProblems,
  repoRoot,
} from './release';

const { releaseVersion, versions } = readReleaseManifest();
const problemsIn = (lockfile?: string) => releaseProblems(lockfile);

describe(`one Backstage release (${releaseVersion}) in package-lock.json`, () => {
  it('locks every @backstage/* package once, at the version of the release', () => {
    expect(lockedBackstagePackages().length).toBeGreaterThan(50);
    expect(problemsIn()).toEqual([]);
  });

  it('has every workspace ask for a range that admits the release version', () => {
    const problems: string[] = [];
    for (const dir of ['packages', 'plugins']) {
      for (const name of fs.readdirSync(path.join(repoRoot, dir))) {
        const file = path.join(repoRoot, dir, name, 'package.json');
        if (!fs.existsSync(file)) continue;
        const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
        for (const field of [
          'dependencies',
          'devDependencies',
          'peerDependencies',
        ]) {
          for (const [dep, range] of Object.entries<string>(pkg[field] ?? {})) {
            if (!dep.startsWith('@backstage/')) continue;
            const pinned = versions.get(dep);
            if (!pinned || !semver.satisfies(pinned, range))
              problems.push(
                `${pkg.name} ${field} ${dep}@${range} (release: ${pinned ?? 'none'})`,
              );
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('reports a second copy and a version outside the release', () => {
    // The check itself must catch what it is for: a lockfile with a nested newer copy.
    const lock = JSON.parse(
      fs.readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8'),
    );
    const [name, version] = [...versions].find(
      ([n]) => n === '@backstage/errors',
    )!;
    lock.packages[`node_modules/some-plugin/node_modules/${name}`] = {
      version: semver.inc(version, 'minor'),
    };
    // A second copy at the very same version is a second copy too.
    const [sameName, sameVersion] = [...versions].find(
      ([n]) => n === '@backstage/config',
    )!;
    lock.packages[`node_modules/other-plugin/node_modules/${sameName}`] = {
      version: sameVersion,
    };
    lock.packages['node_modules/@backstage/not-released'] = {
      version: '1.0.0',
    };
    const file = path.join(
      fs.mkdtempSync(path.join(os.tmpdir(), 'lock-')),
      'package-lock.json',
    );
    fs.writeFileSync(file, JSON.stringify(lock));
    expect(problemsIn(file)).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`${name} is installed 2 times`),
        expect.stringContaining(`${sameName} is installed 2 times`),
        expect.stringContaining(
          '@backstage/not-released is not part of Backstage',
        ),
        expect.stringContaining(
          `node_modules/some-plugin/node_modules/${name} is`,
        ),
      ]),
    );
  });
});
