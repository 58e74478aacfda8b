// The adoption test: builds and packs (npm pack) the published packages, writes a second,
// minimal Backstage app into a temporary folder that depends on public packages and those
// tarballs only (no workspace link into this repository, no relative import), with Backstage's
// Kubernetes plugin beside the suite's and the example app's clusters, installs and builds it,
// starts its backend (which serves the built frontend) against the running local stack, and
// runs adoption.test.mjs in Chromium against it.
// Usage: npm run test:adoption -- [results.json]. Keeps the folder when ADOPTION_KEEP=1 or on failure.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import {
  portInUse,
  runNodeTests,
  stopGroup,
  writeResults,
} from '@internal/monitoring-e2e/process';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const root = path.resolve(here, '../../..');
const templateDir = path.resolve(here, '../template');
const resultsFile = path.resolve(
  process.argv[2] ?? path.join(root, '.e2e/results/adoption.json'),
);
const port = Number(process.env.ADOPTION_PORT ?? 7017);
const readJson = file => JSON.parse(fs.readFileSync(file, 'utf8'));
const writeJson = (file, value) =>
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);

/** The packages an adopter installs, by workspace folder (the root package.json lists them). */
const PUBLISHED = readJson(path.join(root, 'package.json')).publishedPackages;

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'monitoring-adoption-'));
const appDir = path.join(work, 'app');
const tarballDir = path.join(work, 'tarballs');
const logFile = path.join(work, 'steps.log');
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;

/** Runs one step, its output to steps.log, printing a line every 20 s so a long step shows life. */
function run(title, command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const stepStart = Date.now();
    console.log(`[${elapsed()}] ${title}`);
    fs.appendFileSync(
      logFile,
      `\n==> ${title}: ${command} ${args.join(' ')}\n`,
    );
    const log = fs.openSync(logFile, 'a');
    const child = spawn(command, args, {
      stdio: ['ignore', log, log],
      ...options,
    });
    const ticker = setInterval(
      () =>
        console.log(
          `    ... ${title} (${((Date.now() - stepStart) / 1000).toFixed(0)} s)`,
        ),
      20_000,
    );
    child.on('exit', code => {
      clearInterval(ticker);
      fs.closeSync(log);
      console.log(
        `    done in ${((Date.now() - stepStart) / 1000).toFixed(1)} s`,
      );
      if (code === 0) resolve();
      else reject(new Error(`${title} failed (exit ${code}); see ${logFile}`));
    });
  });
}

async function waitFor(url, child, timeoutMs) {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (child.exitCode !== null)
      throw new Error(`the backend exited while starting; see ${logFile}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not answering yet
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(
    `${url} did not answer within ${timeoutMs / 1000} s; see ${logFile}`,
  );
}

/** package.json of the second app: its own workspaces, the tarballs, the release's versions. */
function writeAppPackages(tarballs) {
  const release = new Map(
    readJson(
      path.join(
        root,
        'packages/repo-checks/release-manifests',
        `${readJson(path.join(root, 'backstage.json')).version}.json`,
      ),
    ).packages.map(p => [p.name, p.version]),
  );
  const at = name => {
    const version = release.get(name);
    if (!version) throw new Error(`${name} is not in the Backstage release`);
    return `^${version}`;
  };
  const deps = names => Object.fromEntries(names.sort().map(n => [n, at(n)]));
  const tarball = name => `file:${tarballs[name]}`;
  const rootPkg = readJson(path.join(root, 'package.json'));
  writeJson(path.join(appDir, 'package.json'), {
    name: 'adoption-test-app',
    version: '0.0.0',
    private: true,
    engines: rootPkg.engines,
    workspaces: ['packages/*'],
    devDependencies: {
      '@backstage/cli': release.get('@backstage/cli'),
      '@backstage/cli-defaults': release.get('@backstage/cli-defaults'),
      typescript: rootPkg.devDependencies.typescript,
      // The types Backstage's tsconfig names.
      '@types/jest': rootPkg.devDependencies['@types/jest'],
      '@types/node': rootPkg.devDependencies['@types/node'],
      '@types/react': rootPkg.devDependencies['@types/react'],
      '@types/react-dom': rootPkg.devDependencies['@types/react-dom'],
    },
    // The release's exact versions (what the repository pins too), the registry workarounds of
    // BACKSTAGE-TOOLCHAIN.md, and the suite's own packages from their tarballs wherever asked for
    // (the scaffolder module's dependency on the manifests library included).
    overrides: {
      ...rootPkg.overrides,
      ...Object.fromEntries(
        Object.keys(tarballs).map(name => [name, tarball(name)]),
      ),
    },
  });
  writeJson(
    path.join(appDir, 'backstage.json'),
    readJson(path.join(root, 'backstage.json')),
  );
  fs.writeFileSync(path.join(appDir, '.npmrc'), 'legacy-peer-deps=true\n');
  // The backend bundle tooling looks for a yarn.lock at the root.
  fs.writeFileSync(path.join(appDir, 'yarn.lock'), '');
  writeJson(path.join(appDir, 'packages/app/package.json'), {
    name: 'app',
    version: '0.0.0',
    private: true,
    backstage: { role: 'frontend' },
    scripts: { build: 'backstage-cli package build' },
    dependencies: {
      ...deps([
        '@backstage/cli',
        '@backstage/core-components',
        '@backstage/frontend-defaults',
        '@backstage/frontend-plugin-api',
        '@backstage/plugin-app-react',
        '@backstage/plugin-catalog',
        '@backstage/plugin-kubernetes',
        '@backstage/ui',
      ]),
      '@hubspoke/backstage-plugin-monitoring': tarball(
        '@hubspoke/backstage-plugin-monitoring',
      ),
      react: '^18.3.1',
      'react-dom': '^18.3.1',
      'react-router-dom': '^6.26.0',
    },
    browserslist: readJson(path.join(root, 'packages/app/package.json'))
      .browserslist,
  });
  writeJson(path.join(appDir, 'packages/backend/package.json'), {
    name: 'backend',
    version: '0.0.0',
    private: true,
    backstage: { role: 'backend' },
    scripts: { start: 'backstage-cli package start' },
    dependencies: {
      ...deps([
        '@backstage/backend-defaults',
        '@backstage/backend-plugin-api',
        '@backstage/plugin-app-backend',
        '@backstage/plugin-auth-backend',
        '@backstage/plugin-auth-backend-module-guest-provider',
        '@backstage/plugin-catalog-backend',
        '@backstage/plugin-kubernetes-backend',
        '@backstage/plugin-permission-backend',
        '@backstage/plugin-permission-common',
        '@backstage/plugin-permission-node',
        '@backstage/plugin-scaffolder-backend',
      ]),
      '@hubspoke/backstage-plugin-monitoring-backend': tarball(
        '@hubspoke/backstage-plugin-monitoring-backend',
      ),
      '@hubspoke/backstage-plugin-scaffolder-backend-module-monitoring':
        tarball(
          '@hubspoke/backstage-plugin-scaffolder-backend-module-monitoring',
        ),
      app: '0.0.0',
      // The database driver of app-config's SQLite, as create-app's backend has it.
      'better-sqlite3': readJson(
        path.join(root, 'packages/backend/package.json'),
      ).dependencies['better-sqlite3'],
    },
    devDependencies: { '@backstage/cli': at('@backstage/cli') },
  });
  writeJson(path.join(appDir, 'tsconfig.json'), {
    extends: '@backstage/cli/config/tsconfig.json',
    include: ['packages/*/src'],
    exclude: ['node_modules'],
    compilerOptions: { outDir: 'dist-types', rootDir: '.', jsx: 'react-jsx' },
  });
}

/**
 * The Kubernetes tab's clusters: the example app's `kubernetes` block (app-config.yaml), appended
 * to the second app's config, so both apps read the local stack's clusters the same way (their
 * tokens and CA are environment variables of `npm run stack -- env`, resolved at start).
 */
function addKubernetesConfig() {
  const { kubernetes } = YAML.parse(
    fs.readFileSync(path.join(root, 'app-config.yaml'), 'utf8'),
  );
  if (!kubernetes) throw new Error('app-config.yaml has no kubernetes block');
  fs.appendFileSync(
    path.join(appDir, 'app-config.yaml'),
    `\n# The example app's clusters (its app-config.yaml), for the Kubernetes tab.\n${YAML.stringify({ kubernetes })}`,
  );
}

/** Nothing of the repository may leak into the second app: no link, no path back into it. */
function assertIsolated() {
  const lock = fs.readFileSync(path.join(appDir, 'package-lock.json'), 'utf8');
  if (lock.includes(root))
    throw new Error(`the second app's lockfile refers to ${root}`);
  const installed = path.join(appDir, 'node_modules/@hubspoke');
  for (const name of fs.readdirSync(installed)) {
    const stat = fs.lstatSync(path.join(installed, name));
    if (stat.isSymbolicLink())
      throw new Error(`@hubspoke/${name} is a link, not an installed tarball`);
    const pkg = readJson(path.join(installed, name, 'package.json'));
    if (String(pkg.main ?? '').startsWith('src/'))
      throw new Error(`@hubspoke/${name} was installed from source`);
  }
}

let status = 1;
let backend;
// Interrupted: stop the second app's backend (its own process group) before leaving.
const onInterrupt = () => {
  stopGroup(backend);
  process.exit(130);
};
process.on('SIGINT', onInterrupt);
process.on('SIGTERM', onInterrupt);
try {
  if (await portInUse(port)) throw new Error(`port ${port} is in use`);
  const stackEnv = spawnSync(
    'npm',
    ['run', '-s', 'stack', '--', 'env', '--json'],
    { cwd: root, encoding: 'utf8' },
  );
  if (stackEnv.status !== 0)
    throw new Error('cannot read the local stack environment: is it started?');
  console.log(`Adoption test in ${work} (log: ${logFile})`);

  await run('Type declarations (tsc)', 'npx', ['tsc'], { cwd: root });
  for (const dir of PUBLISHED) {
    await run(
      `backstage-cli package build (${dir})`,
      'npx',
      ['backstage-cli', 'package', 'build'],
      {
        cwd: path.join(root, dir),
      },
    );
  }
  fs.mkdirSync(tarballDir);
  const tarballs = {};
  for (const dir of PUBLISHED) {
    // npm pack runs the prepack/postpack scripts: the published package.json points into dist.
    // prepack rewrites package.json in place; put it back should pack fail before postpack.
    const manifestFile = path.join(root, dir, 'package.json');
    const manifest = fs.readFileSync(manifestFile);
    try {
      await run(
        `npm pack (${dir})`,
        'npm',
        ['pack', '--pack-destination', tarballDir],
        { cwd: path.join(root, dir) },
      );
    } finally {
      fs.writeFileSync(manifestFile, manifest);
    }
    const { name, version } = readJson(manifestFile);
    tarballs[name] = path.join(
      tarballDir,
      `${name.slice(1).replace('/', '-')}-${version}.tgz`,
    );
    if (!fs.existsSync(tarballs[name]))
      throw new Error(`npm pack made no ${tarballs[name]}`);
  }

  fs.cpSync(templateDir, appDir, { recursive: true });
  // The page the frontend build fills in: the example app's, nothing of it is code.
  fs.cpSync(
    path.join(root, 'packages/app/public'),
    path.join(appDir, 'packages/app/public'),
    { recursive: true },
  );
  addKubernetesConfig();
  writeAppPackages(tarballs);
  await run(
    'npm install (the second app, from the registry and the tarballs)',
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline'],
    {
      cwd: appDir,
    },
  );
  assertIsolated();
  // The suite's packages bring no second copy of a Backstage package into the adopter's app.
  await run(
    "The second app's lockfile against the Backstage release",
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      path.join(root, 'packages/repo-checks/src/checkLockfile.ts'),
      path.join(appDir, 'package-lock.json'),
    ],
    { cwd: root },
  );
  await run('Type check of the second app (tsc)', 'npx', ['tsc', '--noEmit'], {
    cwd: appDir,
  });
  await run(
    'Frontend build (backstage-cli package build)',
    'npx',
    ['backstage-cli', 'package', 'build'],
    {
      cwd: path.join(appDir, 'packages/app'),
    },
  );

  const env = {
    ...process.env,
    ...JSON.parse(stackEnv.stdout),
    ADOPTION_PORT: String(port),
  };
  const log = fs.openSync(path.join(work, 'backend.log'), 'w');
  console.log(
    `[${elapsed()}] Starting the second app's backend on 127.0.0.1:${port} (log: ${work}/backend.log)`,
  );
  backend = spawn('npx', ['backstage-cli', 'package', 'start'], {
    cwd: path.join(appDir, 'packages/backend'),
    env,
    detached: true,
    stdio: ['ignore', log, log],
  });
  await waitFor(
    `http://127.0.0.1:${port}/.backstage/health/v1/readiness`,
    backend,
    180_000,
  );
  console.log(`[${elapsed()}] Browser test against the second app`);
  status = runNodeTests([path.join(here, 'adoption.test.mjs')], {
    cwd: root,
    env: {
      ...env,
      ADOPTION_BASE_URL: `http://127.0.0.1:${port}`,
      ADOPTION_DIR: work,
    },
    tapFile: path.join(work, 'adoption.tap'),
    resultsFile,
  });
} catch (e) {
  console.error(String(e.message ?? e));
  writeResults(resultsFile, 0, 1);
} finally {
  stopGroup(backend);
  console.log(
    `[${elapsed()}] adoption test ${status === 0 ? 'passed' : 'failed'}`,
  );
  if (status === 0 && process.env.ADOPTION_KEEP !== '1')
    fs.rmSync(work, { recursive: true, force: true });
  else console.log(`kept ${work}`);
}
process.exit(status);
