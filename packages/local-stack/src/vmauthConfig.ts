/**
 * vmauth users, following the access matrix (docs/architecture.md, access matrix): spokes may
 * only write, the portal and Grafana may only read, on the tenant paths a real hub serves. The
 * paths are the hub builder's (`READ_PATHS`, `WRITE_PATHS`: what the hub's VMUsers route), so a
 * client configured for the local hub is configured for a real one.
 *
 * The database behind them is the single-node build of the same release (the `-cluster` tags
 * cannot be fetched here): it serves `/prometheus/api/v1/...`, so each route drops the
 * `/select/<tenant>` or `/insert/<tenant>` part (`drop_src_path_prefix_parts`), which is what
 * vminsert and vmselect themselves consume.
 *
 * Each spoke's route forces the spoke's own `cluster` and `environment` with the `extra_label`
 * query arguments the spoke's VMUser target carries (`spokeWriteQueryArgs`), so a spoke's
 * credential cannot write series that claim another cluster or environment.
 */
import {
  READ_PATHS,
  spokeWriteQueryArgs,
  WRITE_PATHS,
} from '@hubspoke/backstage-plugin-monitoring-manifests';
import { URLS } from './endpoints';

export interface VmauthRoute {
  src_paths: string[];
  url_prefix: string;
  drop_src_path_prefix_parts: number;
}

export interface VmauthUser {
  username: string;
  password: string;
  url_map: VmauthRoute[];
}

/** `/select/0` and `/insert/0`: the two leading parts of every tenant path. */
const TENANT_PATH_PARTS = 2;

export { READ_PATHS, WRITE_PATHS };

/** A spoke's write user: its vmauth credentials and the labels it may write. */
export interface SpokeWriter {
  username: string;
  password: string;
  cluster: string;
  environment: string;
}

/** `url_prefix` with query arguments appended, as the operator renders a target's `query_args`. */
function withQueryArgs(
  base: string,
  args: ReadonlyArray<{ name: string; values: string[] }>,
): string {
  const url = new URL(base);
  for (const arg of args) {
    for (const value of arg.values) url.searchParams.append(arg.name, value);
  }
  return url.toString();
}

const route = (
  paths: readonly string[],
  urlPrefix: string = URLS.victoriaMetrics,
): VmauthRoute => ({
  src_paths: [...paths],
  url_prefix: urlPrefix,
  drop_src_path_prefix_parts: TENANT_PATH_PARTS,
});

export function writeUser(spoke: SpokeWriter): VmauthUser {
  return {
    username: spoke.username,
    password: spoke.password,
    url_map: [
      route(
        WRITE_PATHS,
        withQueryArgs(URLS.victoriaMetrics, spokeWriteQueryArgs(spoke)),
      ),
    ],
  };
}

export function readUser(username: string, password: string): VmauthUser {
  return { username, password, url_map: [route(READ_PATHS)] };
}

export function vmauthConfig(opts: {
  writers: SpokeWriter[];
  readers: Array<{ username: string; password: string }>;
}): { users: VmauthUser[] } {
  return {
    users: [
      ...opts.writers.map(writeUser),
      ...opts.readers.map(u => readUser(u.username, u.password)),
    ],
  };
}
