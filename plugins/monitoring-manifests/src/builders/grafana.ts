/**
 * Grafana HA ("Grafana High Availability": two active replicas on a shared PostgreSQL, plugins on
 * a shared ReadWriteMany volume), with the VictoriaMetrics datasource (through vmauth, as the
 * read-only `grafana` user) and the dashboards provisioned from ConfigMaps.
 */
import { stringify } from 'yaml';
import {
  antiAffinity,
  containerSecurityContext,
  object,
  podSecurityContext,
  serviceUrl,
} from './common';
import { HubContext, SELECT_PATH, services } from './cluster';
import { dashboardFiles, DATASOURCE_UID } from './dashboards';
import * as D from './defaults';
import { K8sObject } from './types';

export interface GrafanaOptions {
  domain: string;
  replicas: number;
  sharedStorageClass: string;
  /** Secrets: PostgreSQL (`host`, `database`, `user`, `password`), admin (`admin-user`,
   * `admin-password`), the `grafana` vmauth user (`password`). */
  databaseSecret: string;
  adminSecret: string;
  datasourceSecret: string;
}

const DATASOURCE_PASSWORD_ENV = 'VM_DATASOURCE_PASSWORD';
const PATHS = {
  data: '/var/lib/grafana',
  plugins: '/var/lib/grafana-plugins',
  provisioning: '/etc/grafana/provisioning',
  dashboards: '/var/lib/grafana-dashboards',
};

function datasources(ctx: HubContext) {
  return stringify({
    apiVersion: 1,
    datasources: [
      {
        name: 'VictoriaMetrics',
        uid: DATASOURCE_UID,
        type: 'prometheus',
        access: 'proxy',
        isDefault: true,
        url: serviceUrl(
          services.vmauth(ctx.name),
          ctx.namespace,
          D.PORTS.vmauth,
          SELECT_PATH,
        ),
        basicAuth: true,
        basicAuthUser: 'grafana',
        // Grafana expands environment variables in provisioning files; the value comes from a
        // Secret through the container's env, never from this file.
        secureJsonData: { basicAuthPassword: `\${${DATASOURCE_PASSWORD_ENV}}` },
        jsonData: { httpMethod: 'POST', timeInterval: D.SCRAPE_INTERVAL },
        editable: false,
      },
    ],
  });
}

function dashboardProviders() {
  return stringify({
    apiVersion: 1,
    providers: [
      {
        name: 'backstage-monitoring',
        type: 'file',
        disableDeletion: true,
        allowUiUpdates: false,
        options: { path: PATHS.dashboards },
      },
    ],
  });
}

export function grafana(ctx: HubContext, o: GrafanaOptions): K8sObject[] {
  const name = `${ctx.name}-grafana`;
  const selector = {
    'app.kubernetes.io/name': 'grafana',
    'app.kubernetes.io/instance': name,
  };
  const labels = { ...ctx.labels, ...selector };
  const meta = (n: string) => ({ name: n, namespace: ctx.namespace, labels });
  const secretEnv = (envName: string, secret: string, key: string) => ({
    name: envName,
    valueFrom: { secretKeyRef: { name: secret, key } },
  });
  const env = (envName: string, value: string) => ({ name: envName, value });
  const configMapVolume = (v: string) => ({
    name: v,
    configMap: { name: `${name}-${v}` },
  });

  return [
    object('v1', 'PersistentVolumeClaim', meta(`${name}-plugins`), {
      spec: {
        accessModes: ['ReadWriteMany'],
        storageClassName: o.sharedStorageClass,
        resources: { requests: { storage: D.STORAGE.grafanaShared } },
      },
    }),
    object('v1', 'ConfigMap', meta(`${name}-datasources`), {
      data: { 'victoriametrics.yaml': datasources(ctx) },
    }),
    object('v1', 'ConfigMap', meta(`${name}-dashboard-providers`), {
      data: { 'providers.yaml': dashboardProviders() },
    }),
    object('v1', 'ConfigMap', meta(`${name}-dashboards`), {
      data: dashboardFiles(),
    }),
    object('apps/v1', 'Deployment', meta(name), {
      spec: {
        replicas: o.replicas,
        selector: { matchLabels: selector },
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxUnavailable: 1, maxSurge: 1 },
        },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            securityContext: podSecurityContext(D.RUN_AS.grafana),
            affinity: antiAffinity(selector),
            containers: [
              {
                name: 'grafana',
                image: D.IMAGES.grafana,
                ports: [{ name: 'http', containerPort: D.PORTS.grafana }],
                env: [
                  env('GF_SERVER_HTTP_PORT', String(D.PORTS.grafana)),
                  env('GF_SERVER_DOMAIN', o.domain),
                  env('GF_SERVER_ROOT_URL', `https://${o.domain}/`),
                  env('GF_DATABASE_TYPE', 'postgres'),
                  secretEnv('GF_DATABASE_HOST', o.databaseSecret, 'host'),
                  secretEnv('GF_DATABASE_NAME', o.databaseSecret, 'database'),
                  secretEnv('GF_DATABASE_USER', o.databaseSecret, 'user'),
                  secretEnv(
                    'GF_DATABASE_PASSWORD',
                    o.databaseSecret,
                    'password',
                  ),
                  env('GF_DATABASE_SSL_MODE', 'require'),
                  secretEnv(
                    'GF_SECURITY_ADMIN_USER',
                    o.adminSecret,
                    'admin-user',
                  ),
                  secretEnv(
                    'GF_SECURITY_ADMIN_PASSWORD',
                    o.adminSecret,
                    'admin-password',
                  ),
                  secretEnv(
                    DATASOURCE_PASSWORD_ENV,
                    o.datasourceSecret,
                    'password',
                  ),
                  env('GF_SECURITY_COOKIE_SECURE', 'true'),
                  env('GF_USERS_ALLOW_SIGN_UP', 'false'),
                  // Access matrix: "Developers | Grafana: View".
                  env('GF_USERS_AUTO_ASSIGN_ORG_ROLE', 'Viewer'),
                  env('GF_AUTH_ANONYMOUS_ENABLED', 'false'),
                  // Alerting is vmalert's job.
                  env('GF_UNIFIED_ALERTING_ENABLED', 'false'),
                  env('GF_ANALYTICS_REPORTING_ENABLED', 'false'),
                  env('GF_ANALYTICS_CHECK_FOR_UPDATES', 'false'),
                  env('GF_LOG_MODE', 'console'),
                  env('GF_PATHS_DATA', PATHS.data),
                  env('GF_PATHS_PLUGINS', PATHS.plugins),
                  env('GF_PATHS_PROVISIONING', PATHS.provisioning),
                ],
                readinessProbe: {
                  httpGet: { path: '/api/health', port: 'http' },
                },
                livenessProbe: {
                  httpGet: { path: '/api/health', port: 'http' },
                  initialDelaySeconds: 60,
                },
                resources: D.resourcesFor(D.RESOURCES.grafana),
                securityContext: containerSecurityContext(),
                volumeMounts: [
                  { name: 'data', mountPath: PATHS.data },
                  { name: 'tmp', mountPath: '/tmp' },
                  { name: 'plugins', mountPath: PATHS.plugins },
                  {
                    name: 'datasources',
                    mountPath: `${PATHS.provisioning}/datasources`,
                    readOnly: true,
                  },
                  {
                    name: 'dashboard-providers',
                    mountPath: `${PATHS.provisioning}/dashboards`,
                    readOnly: true,
                  },
                  {
                    name: 'dashboards',
                    mountPath: PATHS.dashboards,
                    readOnly: true,
                  },
                ],
              },
            ],
            volumes: [
              { name: 'data', emptyDir: {} },
              { name: 'tmp', emptyDir: {} },
              {
                name: 'plugins',
                persistentVolumeClaim: { claimName: `${name}-plugins` },
              },
              configMapVolume('datasources'),
              configMapVolume('dashboard-providers'),
              configMapVolume('dashboards'),
            ],
          },
        },
      },
    }),
    object('v1', 'Service', meta(name), {
      spec: {
        selector,
        ports: [{ name: 'http', port: D.PORTS.grafana, targetPort: 'http' }],
      },
    }),
    object('policy/v1', 'PodDisruptionBudget', meta(name), {
      spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
    }),
  ];
}
