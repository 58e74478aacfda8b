/**
 * vmauth users, following the seed's access matrix: spokes may only write, the portal and
 * Grafana may only read. vmauth 1.79 appends the request path to `url_prefix` and answers an
 * unmapped path with 400 "missing route".
 */
import { READ_API } from '../../plugins/scaffolder-backend-module-monitoring/src/builders/auth';
import { URLS } from './endpoints';

export interface VmauthUser {
  username: string;
  password: string;
  url_map: Array<{ src_paths: string[]; url_prefix: string }>;
}

export const WRITE_PATHS = ['/api/v1/write'];

/**
 * The hub's read paths (the same expression the hub's VMUsers get), with and without the
 * `/prometheus` prefix: single node serves both, and has no `/select/<tenant>` paths.
 */
export const READ_PATHS = [`/prometheus${READ_API}`, READ_API];

export function writeUser(username: string, password: string): VmauthUser {
  return {
    username,
    password,
    url_map: [{ src_paths: WRITE_PATHS, url_prefix: URLS.victoriaMetrics }],
  };
}

export function readUser(username: string, password: string): VmauthUser {
  return {
    username,
    password,
    url_map: [{ src_paths: READ_PATHS, url_prefix: URLS.victoriaMetrics }],
  };
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
