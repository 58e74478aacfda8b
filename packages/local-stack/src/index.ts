/**
 * The local hub-and-spoke stack on loopback, for the CLI (`cli.ts`, `npm run stack`) and for
 * integration tests:
 *
 *   const env = await startStack();   // idempotent; resolves once data flows
 *   stackEnv().MONITORING_VMSELECT_URL
 */
export { startStack, type StartOptions } from './start';
export { stopStack, type StopOptions } from './stop';
export { stackStatus, formatStatusTable, type ProcessStatus } from './status';
export { stackEnv, formatEnvExports, type StackEnv } from './env';
export { stackPaths } from './paths';
export { processSpecs, type ProcessSpec } from './processes';
export { MissingBinariesError, SUDO_INSTALL_COMMAND } from './binaries';
export { StackStartError } from './wait';
export { DEMO_NAMESPACE, DEMO_SERVICES, demoPods } from './demoServices';
export { ENVIRONMENTS, HUB_AGENT } from './environments';
export { stackRules } from './rules';
export {
  ALERTMANAGER_VERSION,
  VICTORIAMETRICS_VERSION,
  GoToolchainError,
  ensureComponents,
} from './components';
export { PORTS, URLS, SELECT_PATH, INSERT_PATH } from './endpoints';
export { HUB_FLAGS } from './hubFlags';
export { stackProcessControl, type StackProcessControl } from './faults';
export { vmauthConfig } from './vmauthConfig';
export { ensurePassword } from './secrets';
export {
  LOCAL_SCRAPE_INTERVAL,
  hubRemoteWriteRelabeling,
  hubScrapeConfig,
} from './vmagentConfig';
