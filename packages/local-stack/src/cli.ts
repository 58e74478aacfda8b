/**
 * The local monitoring stack (real VictoriaMetrics binaries on loopback):
 *
 *   npm run stack -- <command>   (packages/local-stack/src/cli.ts)
 *
 *   build            build the hub's components from their Go modules into the binary cache
 *   start            start everything not running yet, wait until data flows (idempotent)
 *   stop [--purge]   stop what start started; --purge also deletes the data dir
 *   status           name / pid / port / up|down; exit 0 only if all are up
 *   env [--json]     shell exports (or JSON) for the portal backend and integration tests
 *
 * Data dir: $MONITORING_STACK_DIR or <repo>/.stack. The library is this package's index.ts.
 */
import {
  MissingBinariesError,
  SUDO_INSTALL_COMMAND,
  ensureComponents,
  formatEnvExports,
  formatStatusTable,
  stackEnv,
  stackStatus,
  startStack,
  stopStack,
} from './index';

const USAGE =
  'usage: npm run stack -- <build|start|stop [--purge]|status|env [--json]>';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const flags = new Set(rest);
  const allowed: Record<string, string[]> = {
    build: [],
    start: [],
    stop: ['--purge'],
    status: [],
    env: ['--json'],
  };
  const unknown =
    command in allowed ? rest.filter(f => !allowed[command].includes(f)) : [];
  if (!(command in allowed) || unknown.length > 0) {
    console.error(USAGE);
    return 2;
  }
  switch (command) {
    case 'build':
      if (ensureComponents(console.log, { webBundle: true }).length === 0)
        console.log('Components: all built (cached)');
      return 0;
    case 'start':
      await startStack();
      return 0;
    case 'stop':
      await stopStack({ purge: flags.has('--purge') });
      return 0;
    case 'status': {
      const rows = await stackStatus();
      console.log(formatStatusTable(rows));
      return rows.every(r => r.up) ? 0 : 1;
    }
    default: {
      const env = stackEnv();
      console.log(
        flags.has('--json')
          ? JSON.stringify(env, null, 2)
          : formatEnvExports(env),
      );
      return 0;
    }
  }
}

function run() {
  main(process.argv.slice(2)).then(
    code => {
      process.exitCode = code;
    },
    err => {
      if (err instanceof MissingBinariesError) {
        console.error(`Missing ${err.missing.join(', ')}. Install them with:`);
        console.error(SUDO_INSTALL_COMMAND);
      } else {
        console.error(`stack: ${err.message}`);
      }
      process.exitCode = 1;
    },
  );
}

if (require.main === module) run();
