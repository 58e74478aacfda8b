/**
 * vmauth users, following the seed's access matrix: spokes may only write, the portal and
 * Grafana may only read, on the tenant paths a real hub serves. The paths are the hub builder's
 * (`READ_PATHS`, `WRITE_PATHS`: what the hub's VMUsers route), so a client configured for the
 * local hub is configured for a real one.
 *
 * The database behind them is the single-node build of the same release (the `-cluster` tags
 * cannot be fetched here): it serves `/prometheus/api/v1/...`, so each route drops the
 * `/select/<tenant>` or `/insert/<tenant>` part (`drop_src_path_prefix_parts`), which is what
 * vminsert and vmselect themselves consume.
 */
import {
  READ_PATHS,
  WRITE_PATHS,
} from '@hubspoke/backstage-plugin-scaffolder-backend-module-monitoring';
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

const route = (paths: readonly string[]): VmauthRoute => ({
  src_paths: [...paths],
  url_prefix: URLS.victoriaMetrics,
  drop_src_path_prefix_parts: TENANT_PATH_PARTS,
});

export function writeUser(username: string, password: string): VmauthUser {
  return { username, password, url_map: [route(WRITE_PATHS)] };
}

export function readUser(username: string, password: string): VmauthUser {
  return { username, password, url_map: [route(READ_PATHS)] };
}

export function vmauthConfig(opts: {
  writers: Array<{ username: string; password: string }>;
  readers: Array<{ username: string; password: string }>;
}): { users: VmauthUser[] } {
  return {
    users: [
      ...opts.writers.map(u => writeUser(u.username, u.password)),
      ...opts.readers.map(u => readUser(u.username, u.password)),
    ],
  };
}
