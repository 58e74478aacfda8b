/** Ports and URLs of the hub side of the local stack (all on loopback). */
import {
  HUB_INSERT_PATH as INSERT_PATH,
  HUB_SELECT_PATH as SELECT_PATH,
} from '@hubspoke/backstage-plugin-monitoring-common';

export const HOST = '127.0.0.1';

/** The tenant paths a real hub's vmauth serves (the hub contract's, monitoring-common). */
export { INSERT_PATH, SELECT_PATH };

export const PORTS = {
  victoriaMetrics: 8428,
  vmauth: 8427,
  /**
   * The architecture's port for the first vmalert (docs/architecture.md); the second takes the
   * next free one.
   */
  vmalert: 8880,
  vmalertReplicas: [8880, 8881],
  alertmanager: 9093,
  nodeExporter: 9100,
  demoExporter: 9400,
  /** The local Gitea the templates publish to. */
  forge: 3300,
} as const;

export const URLS = {
  victoriaMetrics: `http://${HOST}:${PORTS.victoriaMetrics}`,
  vmauth: `http://${HOST}:${PORTS.vmauth}`,
  vmalert: `http://${HOST}:${PORTS.vmalert}`,
  alertmanager: `http://${HOST}:${PORTS.alertmanager}`,
  forge: `http://${HOST}:${PORTS.forge}`,
} as const;

/** The read user the portal (the Backstage backend) queries as. */
export const PORTAL_USER = 'portal';
/** The read user Grafana would query as. */
export const GRAFANA_USER = 'grafana';
