/**
 * What every package of the repository promises: the published ones are installable the way
 * Backstage adopters install plugins (public scope, metadata, README, peer dependencies, dist
 * entry points), the tooling stays private, and no package reaches into another by a relative
 * path.
 */
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './release';

const SCOPE = '@hubspoke/';

type Pkg = { dir: string; json: any };

/** The folders of the root package.json's workspace globs (`packages/*`, `plugins/*`). */
const workspaceParents: string[] = JSON.parse(
  fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'),
).workspaces.map((glob: string) => glob.replace(/\/\*$/, ''));

const workspaces: Pkg[] = workspaceParents.flatMap(parent =>
  fs
    .readdirSync(path.join(repoRoot, parent))
    .map(name => path.join(repoRoot, parent, name))
    .filter(dir => fs.existsSync(path.join(dir, 'package.json')))
    .map(dir => ({
      dir,
      json: JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')),
    })),
);
const published = workspaces.filter(p => !p.json.private);
const names = new Set(workspaces.map(p => p.json.name));

/**
 * Where relative imports must stay: each workspace package, and the root's scripts/ (not a
 * package: it keeps the shell drivers and plain scripts, which reach packages by name too).
 */
const boundaries = [
  ...workspaces.map(({ dir, json }) => ({ dir, name: json.name as string })),
  { dir: path.join(repoRoot, 'scripts'), name: 'scripts/' },
];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      return ['node_modules', 'dist', 'dist-types'].includes(entry.name)
        ? []
        : sourceFiles(file);
    }
    return /\.(ts|tsx|mjs|js)$/.test(entry.name) ? [file] : [];
  });
}

const IMPORT =
  /(?:from\s+|import\s*\(\s*|require\(\s*|import\s+)['"]([^'"]+)['"]/g;

describe('the published packages', () => {
  it('are the five plugin packages, under one public scope', () => {
    expect(published.map(p => p.json.name).sort()).toEqual([
      `${SCOPE}backstage-plugin-monitoring`,
      `${SCOPE}backstage-plugin-monitoring-backend`,
      `${SCOPE}backstage-plugin-monitoring-common`,
      `${SCOPE}backstage-plugin-monitoring-manifests`,
      `${SCOPE}backstage-plugin-scaffolder-backend-module-monitoring`,
    ]);
  });

  it('are the ones the root package.json lists (adoption test, API reports)', () => {
    const listed: string[] = JSON.parse(
      fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'),
    ).publishedPackages;
    expect(listed.map(dir => path.join(repoRoot, dir)).sort()).toEqual(
      published.map(p => p.dir).sort(),
    );
    for (const { dir } of published) {
      expect(fs.existsSync(path.join(dir, 'report.api.md'))).toBe(true);
    }
  });

  it.each(published.map(p => [p.json.name, p] as const))(
    '%s has what an adopter installs it by',
    (_name, { dir, json }) => {
      expect(json.version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(json.license).toBe('Apache-2.0');
      expect(json.description).toBeTruthy();
      expect(json.publishConfig).toMatchObject({ access: 'public' });
      expect(json.publishConfig.main).toMatch(/^dist\//);
      expect(json.publishConfig.types).toBe('dist/index.d.ts');
      expect(json.scripts).toMatchObject({
        build: 'backstage-cli package build',
        lint: 'backstage-cli package lint',
        test: 'backstage-cli package test',
        prepack: 'backstage-cli package prepack',
        postpack: 'backstage-cli package postpack',
      });
      expect(json.files).toEqual(
        expect.arrayContaining(['dist', 'README.md', 'LICENSE']),
      );
      expect(fs.readFileSync(path.join(dir, 'LICENSE'), 'utf8')).toContain(
        'Apache License',
      );
      expect(json.backstage.role).toBeTruthy();
      const hasSchema = fs.existsSync(path.join(dir, 'config.d.ts'));
      expect({
        configSchema: json.configSchema,
        shipped: json.files.includes('config.d.ts'),
      }).toEqual(
        hasSchema
          ? { configSchema: 'config.d.ts', shipped: true }
          : { configSchema: undefined, shipped: false },
      );
      // Suite packages depend on each other by version, never by path.
      for (const [dep, range] of Object.entries<string>({
        ...json.dependencies,
        ...json.peerDependencies,
      })) {
        expect(`${dep}@${range}`).not.toMatch(/@(file|link|workspace):/);
      }
    },
  );

  it.each(published.map(p => [p.json.name, p] as const))(
    '%s has a README with what it does, how to install it and its configuration',
    (_name, { dir, json }) => {
      const readme = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
      expect(readme.startsWith(`# ${json.name}\n`)).toBe(true);
      expect(readme).toMatch(/^## Install$/m);
      expect(readme).toContain(`npm install --workspace packages/`);
      // A backend package shows its backend.add line (prettier may wrap it: compare unwrapped).
      const unwrapped = readme.replace(/\s+/g, '').replace(/,\)/g, ')');
      expect(unwrapped.includes(`backend.add(import('${json.name}'))`)).toBe(
        json.backstage.role.startsWith('backend-plugin'),
      );
      expect(!json.configSchema || /^## Configuration$/m.test(readme)).toBe(
        true,
      );
      // Every picture it shows ships with it.
      for (const [, image] of readme.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)) {
        expect(fs.existsSync(path.join(dir, image))).toBe(true);
        expect(json.files).toContain(image.split('/')[0]);
      }
    },
  );

  it('name the same plugin packages, all of which exist', () => {
    for (const { json } of published.filter(
      p => p.json.backstage.pluginId === 'monitoring',
    )) {
      expect(json.backstage.pluginPackages.sort()).toEqual([
        `${SCOPE}backstage-plugin-monitoring`,
        `${SCOPE}backstage-plugin-monitoring-backend`,
        `${SCOPE}backstage-plugin-monitoring-common`,
      ]);
    }
    const module = published.find(
      p => p.json.backstage.role === 'backend-plugin-module',
    )!;
    expect(module.json.backstage).toMatchObject({
      pluginId: 'scaffolder',
      pluginPackage: '@backstage/plugin-scaffolder-backend',
    });
  });

  it('leave react and the router to the app (peer dependencies of the frontend)', () => {
    const frontend = published.find(
      p => p.json.backstage.role === 'frontend-plugin',
    )!;
    expect(Object.keys(frontend.json.peerDependencies).sort()).toEqual([
      'react',
      'react-dom',
      'react-router-dom',
    ]);
    for (const peer of Object.keys(frontend.json.peerDependencies)) {
      expect(frontend.json.dependencies[peer]).toBeUndefined();
    }
    // Both frontend systems: the legacy root export and the new system's /alpha.
    expect(frontend.json.exports).toMatchObject({
      '.': './src/index.ts',
      './alpha': expect.stringMatching(/^\.\/src\/alpha\.tsx?$/),
    });
  });
});

describe('the tooling packages', () => {
  it('are private and not in the public scope', () => {
    for (const { json } of workspaces.filter(p => p.json.private)) {
      expect(json.name.startsWith(SCOPE)).toBe(false);
    }
  });
});

describe('package boundaries', () => {
  it('cover every workspace package and scripts/', () => {
    const covered = boundaries.map(b => path.relative(repoRoot, b.dir));
    expect(covered).toEqual(
      expect.arrayContaining([
        'packages/bench',
        'plugins/monitoring',
        'scripts',
      ]),
    );
  });

  it('no package (nor scripts/) imports another by a relative path', () => {
    const crossings: string[] = [];
    for (const { dir, name } of boundaries) {
      for (const file of sourceFiles(dir)) {
        const text = fs.readFileSync(file, 'utf8');
        for (const [, spec] of text.matchAll(IMPORT)) {
          if (!spec.startsWith('.')) continue;
          const target = path.resolve(path.dirname(file), spec);
          if (!target.startsWith(dir + path.sep)) {
            crossings.push(
              `${name}: ${path.relative(repoRoot, file)} imports ${spec}`,
            );
          }
        }
      }
    }
    expect(crossings).toEqual([]);
  });

  it('every @hubspoke or @internal import names a workspace package', () => {
    const unknown: string[] = [];
    for (const { dir } of boundaries) {
      for (const file of sourceFiles(dir)) {
        for (const [, spec] of fs.readFileSync(file, 'utf8').matchAll(IMPORT)) {
          const match = /^(@(?:hubspoke|internal)\/[^/]+)/.exec(spec);
          if (match && !names.has(match[1]))
            unknown.push(`${path.relative(repoRoot, file)}: ${spec}`);
        }
      }
    }
    expect(unknown).toEqual([]);
  });
});
