#!/usr/bin/env node
// Pins the repository to the Backstage release named in backstage.json, as
// `backstage-cli versions:bump --release` would with yarn resolutions: every workspace asks for
// `^<release version>` of each @backstage/* package (so published packages stay open to an
// adopter's patch releases), and root `overrides` hold the whole tree at the release's exact
// versions so the lockfile has one copy of each. Run `npm install` afterwards.
//
// The manifest (release-manifests/<version>.json) has the format of Backstage's release
// manifests. versions.backstage.io cannot be reached here, so it was taken from the version table
// built into @backstage/create-app of that release (0.9.2 for 1.55.0), and for packages that
// table lacks, the newest version the registry had before the next release was published.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../..',
);
const readJson = file => JSON.parse(fs.readFileSync(file, 'utf8'));
const writeJson = (file, value) =>
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);

const { version } = readJson(path.join(root, 'backstage.json'));
const manifestFile = path.join(
  root,
  'packages/repo-checks/release-manifests',
  `${version}.json`,
);
const manifest = new Map(
  readJson(manifestFile).packages.map(p => [p.name, p.version]),
);

const workspaceDirs = ['packages', 'plugins'].flatMap(dir =>
  fs
    .readdirSync(path.join(root, dir))
    .map(name => path.join(root, dir, name))
    .filter(pkgDir => fs.existsSync(path.join(pkgDir, 'package.json'))),
);
const missing = [];
for (const dir of workspaceDirs) {
  const file = path.join(dir, 'package.json');
  const pkg = readJson(file);
  for (const field of ['dependencies', 'devDependencies', 'peerDependencies']) {
    for (const name of Object.keys(pkg[field] ?? {})) {
      if (!name.startsWith('@backstage/')) continue;
      const pinned = manifest.get(name);
      if (!pinned) missing.push(`${name} (${path.relative(root, file)})`);
      else pkg[field][name] = `^${pinned}`;
    }
  }
  writeJson(file, pkg);
}
if (missing.length) {
  console.error(`Not in Backstage ${version}: ${missing.join(', ')}`);
  process.exit(1);
}

const rootFile = path.join(root, 'package.json');
const rootPkg = readJson(rootFile);
const overrides = Object.fromEntries(
  Object.entries(rootPkg.overrides ?? {}).filter(
    ([name]) => !name.startsWith('@backstage/'),
  ),
);
for (const [name, pinned] of [...manifest].sort()) overrides[name] = pinned;
// npm accepts an override of a root dependency only when both say the same thing.
for (const name of Object.keys(rootPkg.devDependencies ?? {})) {
  if (manifest.has(name)) rootPkg.devDependencies[name] = manifest.get(name);
}
rootPkg.overrides = overrides;
writeJson(rootFile, rootPkg);
console.log(
  `Pinned ${workspaceDirs.length} workspaces and ${manifest.size} overrides to Backstage ${version}; now run npm install.`,
);
