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
export {
  stackEnv,
  formatEnvExports,
  clusterEnvSuffix,
  type StackEnv,
} from './env';
export { stackPaths } from './paths';
export { processSpecs, type ProcessSpec } from './processes';
export { MissingBinariesError, SUDO_INSTALL_COMMAND } from './binaries';
export { StackStartError } from './wait';
export {
  DEMO_NAMESPACE,
  DEMO_SERVICES,
  PODS_PER_SERVICE,
  demoPods,
} from './demoServices';
export { localKubeClusters, type LocalKubeCluster } from './kube/clusters';
export { KUBE_LAYOUT } from './kube/layout';
export { startTestKubeCluster, type TestKubeCluster } from './kube/testCluster';
export { startTestGitea, type TestGitea } from './testGitea';
export {
  startTestPostgres,
  postgresBinDir,
  type TestPostgres,
  type TestPostgresConnection,
} from './testPostgres';
export { startTestRedis, type TestRedis } from './testRedis';
export { redisCommand, type RedisReply } from './redisCommand';
export { MissingServerError, acceptsConnections } from './testServerProcess';
export { freePort, httpRequest, type HttpResponse } from './http';
export { FORGE_ORG, FORGE_USER } from './forge';
export { kubeClient, type KubeClient } from './kube/kubeClient';
export {
  APPLY_ACCOUNT,
  BACKSTAGE_NAMESPACE,
  PORTAL_ACCOUNT,
} from './kube/rbac';
export { KUBERNETES_ID_LABEL } from './kube/bootstrap';
export { STORAGE_CLASSES, SIMULATED_RECONCILE_MS } from './kube/stages';
export { ENVIRONMENTS, HUB_AGENT } from './environments';
export { exampleComponents, exampleSloGroups, stackRules } from './rules';
export {
  ALERTMANAGER_VERSION,
  ETCD_VERSION,
  KUBERNETES_VERSION,
  KWOK_VERSION,
  GITEA_VERSION,
  VICTORIAMETRICS_VERSION,
  GoToolchainError,
  ensureComponents,
} from './components';
export { PORTS, URLS, SELECT_PATH, INSERT_PATH } from './endpoints';
export { BIN } from './binaries';
export { HUB_FLAGS, LOCAL_HUB_RETENTION } from './hubFlags';
export { stackProcessControl, type StackProcessControl } from './faults';
export { vmauthConfig } from './vmauthConfig';
export { ensurePassword } from './secrets';
export {
  LOCAL_SCRAPE_INTERVAL,
  hubRemoteWriteRelabeling,
  hubScrapeConfig,
} from './vmagentConfig';
