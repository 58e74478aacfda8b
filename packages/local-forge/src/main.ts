/**
 * Runs the local forge (a Gitea API subset + git over HTTP) for development on loopback:
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs packages/local-forge/src/main.ts \
 *     --root .stack/forge --port 3300 --user backstage --password-file <file> [--org team-platform]...
 *
 * `npm run stack -- start` runs it as the `forge` process. The password is read from a file
 * (never the command line, which other users can see); it is a development credential for
 * this loopback-only forge, generated into `.stack/secrets/`.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createForgeServer } from './server';

interface Args {
  host: string;
  port: number;
  root: string;
  user: string;
  passwordFile: string;
  orgs: string[];
  baseUrl?: string;
}

const USAGE =
  'usage: main.ts --root <dir> --password-file <file> [--host 127.0.0.1] [--port 3300] ' +
  '[--user backstage] [--org <name>]... [--base-url <url>]';

function parseArgs(argv: string[]): Args {
  const args: Partial<Args> & { orgs: string[] } = {
    host: '127.0.0.1',
    port: 3300,
    user: 'backstage',
    orgs: [],
  };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
    if (flag === '--host') args.host = value;
    else if (flag === '--port') args.port = Number(value);
    else if (flag === '--root') args.root = path.resolve(value);
    else if (flag === '--user') args.user = value;
    else if (flag === '--password-file')
      args.passwordFile = path.resolve(value);
    else if (flag === '--org') args.orgs.push(value);
    else if (flag === '--base-url') args.baseUrl = value;
    else throw new Error(`unknown argument ${flag}\n${USAGE}`);
  }
  if (!args.root || !args.passwordFile || !Number.isInteger(args.port)) {
    throw new Error(USAGE);
  }
  return args as Args;
}

function checkGit(): void {
  const res = spawnSync('git', ['http-backend'], {
    env: { PATH: process.env.PATH, REQUEST_METHOD: 'GET', PATH_INFO: '/' },
    encoding: 'utf8',
  });
  if (res.error) {
    throw new Error(
      'the local forge needs git (with git http-backend): apt-get install git',
    );
  }
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  checkGit();
  const password = fs.readFileSync(args.passwordFile, 'utf8').trim();
  if (!password) throw new Error(`${args.passwordFile} is empty`);
  fs.mkdirSync(args.root, { recursive: true });

  const server = createForgeServer({
    root: args.root,
    baseUrl: args.baseUrl,
    user: { name: args.user, password },
    orgs: args.orgs,
    log: line => console.log(line),
  });
  server.on('error', err => {
    console.error(`forge: ${err.message}`);
    process.exit(1);
  });
  server.listen(args.port, args.host, () => {
    const address = server.address();
    const port =
      typeof address === 'object' && address ? address.port : args.port;
    ready(server, args.baseUrl ?? `http://${args.host}:${port}`);
  });
}

function ready(
  server: ReturnType<typeof createForgeServer>,
  url: string,
): void {
  // Tests and the stack read this line; it names no credential.
  console.log(`forge listening on ${url}`);
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    // Requests still running (a push) get a moment, then the forge exits anyway.
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

try {
  main();
} catch (err) {
  console.error(`forge: ${err.message}`);
  process.exit(1);
}
