import { HumanDuration } from '@backstage/types';

export interface Config {
  /** Configuration for the monitoring backend plugin (a VictoriaMetrics hub). */
  monitoring?: {
    /** Claim rules: who owns a service label (see the README, "Permissions"). */
    claims?: {
      /**
       * Locations whose entities own the service labels they name, besides every entry of
       * `catalog.locations`: `type:target` exactly as the catalog records an entity's
       * `backstage.io/managed-by-origin-location`, or a prefix ending in `/`
       * (e.g. `url:https://github.com/acme/catalog/`). An entity registered from elsewhere that
       * names an owned service gains nothing by it and cannot block the owners.
       */
      trustedLocations?: string[];
    };
    vmselect: {
      /**
       * Base URL of the Prometheus-compatible query API, with any path prefix, e.g.
       * `https://vmauth.hub.example.com/select/0/prometheus` for a VictoriaMetrics cluster
       * behind vmauth, or `http://127.0.0.1:8427/select/0/prometheus` for the local stack.
       */
      url: string;
      /** Credentials for VMSelect (usually a vmauth read user). Basic auth or a bearer token. */
      auth?: {
        username?: string;
        /** @visibility secret */
        password?: string;
        /** @visibility secret */
        token?: string;
      };
      /** Per-query timeout. Defaults to 10 seconds. */
      timeout?: HumanDuration | string;
      /** How many queries run against VMSelect at once, over all requests. Defaults to 8. */
      maxConcurrency?: number;
      /** Queries that may wait for one of those slots (default 200); beyond, requests get a 503. */
      maxQueued?: number;
      /** Metric, alert and history requests one user may have in flight (default 6); beyond, a 503. */
      maxRequestsPerPrincipal?: number;
    };
    /**
     * vmalert's API (`/api/v1/rules`, `/api/v1/alerts`). Defaults to the VMSelect URL and
     * credentials, which serve it when vmselect runs with `-vmalert.proxyURL` (as the hub
     * template renders it).
     */
    vmalert?: {
      /** Base URL with any path prefix, e.g. `http://vmalert-hub.monitoring.svc:8880`. */
      url: string;
      auth?: {
        username?: string;
        /** @visibility secret */
        password?: string;
        /** @visibility secret */
        token?: string;
      };
      /** Defaults to 10 seconds. */
      timeout?: HumanDuration | string;
    };
    /**
     * Alertmanager's v2 API, for the silence state of alerts and silences made from Backstage.
     * Without it alerts are shown without silence state and silences are refused.
     */
    alertmanager?: {
      /** Base URL with any path prefix, e.g. `http://vmalertmanager-hub.monitoring.svc:9093`. */
      url: string;
      auth?: {
        username?: string;
        /** @visibility secret */
        password?: string;
        /** @visibility secret */
        token?: string;
      };
      /** Defaults to 10 seconds. */
      timeout?: HumanDuration | string;
      /** The longest silence a user may create. Defaults to 24 hours. */
      maxSilence?: HumanDuration | string;
      /**
       * Bounds on the silences written through Backstage, decided before Alertmanager is
       * written; a write past them is answered 429. Each backend replica counts on its own.
       */
      silenceWrites?: {
        /**
         * Silence creates and expires one user may make in any 60 s, over all entities
         * (default 10). Requests refused before Alertmanager is asked (bad input, no
         * permission, a service at its limit) do not count.
         */
        perUserPerMinute?: number;
        /**
         * Active (not yet expired) silences made through Backstage for one service (and
         * namespace) at once (default 20); a create past it is refused until one ends or is
         * expired.
         */
        maxActivePerService?: number;
      };
    };
    /** Grafana, for "explore" links from panels of entities without `monitoring/dashboard-url`. */
    grafana?: {
      /** @visibility frontend */
      url: string;
    };
    /** vmui (VictoriaMetrics' query UI), for "open in vmui" links from the panels. */
    vmui?: {
      /** @visibility frontend */
      url: string;
    };
    /** The fleet view's health grades. */
    health?: {
      /** Share of 5xx responses; defaults 0.01 and 0.05. */
      errorRatio?: { warning?: number; critical?: number };
      /** p95 latency; defaults 0.5 s and 1 s. */
      latencyP95?: {
        warning?: HumanDuration | string;
        critical?: HumanDuration | string;
      };
    };
    fleet?: {
      /**
       * Which series the fleet reads: `auto` (default: the hub's recording rules, the raw series
       * when they are absent), `recording-rules` or `raw`.
       */
      source?: 'auto' | 'recording-rules' | 'raw';
    };
    /**
     * The fleet and the stack are computed in the background by one replica (Backstage's
     * scheduler, scope global) and read by every request from the cache service.
     */
    snapshots?: {
      /** How often they are refreshed; default 30s (from 5s to 10m). */
      refresh?: HumanDuration | string;
      /**
       * How long a snapshot that could not be refreshed is still served, marked stale; default
       * 10m (at least twice the refresh). Past it the routes answer 503.
       */
      maxAge?: HumanDuration | string;
      /**
       * How long a request waits for the first snapshot after a cold start (the scheduler runs
       * the task at once); default 15s (1s to 1m).
       */
      firstWait?: HumanDuration | string;
    };
    /** How long the hub keeps data (its retention, default 15d): older ranges are clamped. */
    retention?: HumanDuration | string;
    /** The stack view's verdicts per spoke (`GET /stack`). */
    stack?: {
      /** A spoke whose newest sample is older than this is lagging; default 2m. */
      laggingAfter?: HumanDuration | string;
      /** ... and down past this; default 10m. */
      downAfter?: HumanDuration | string;
      /**
       * How long reading one cluster's VictoriaMetrics resources from its Kubernetes API may
       * take (the clusters and tokens of `kubernetes.clusterLocatorMethods`, type `config`); a
       * slower cluster shows as an error. A duration such as `5s` or `1500ms`, from 100ms to 1m;
       * default 5s.
       */
      kubernetesTimeout?: string;
    };
    /** Environments in display order. Series for other environments are shown after them. */
    environments?: string[];
    /**
     * Query profiles (in addition to, or overriding, the built-in `http` and `grpc`).
     * A query may use `$selector` (all of the entity's matchers), `$podSelector` (service and
     * namespace only, for `kube_pod_labels`) and `$window` (the rate window); group by
     * `environment`.
     */
    profiles?: {
      [name: string]: {
        panels: Array<{
          id: string;
          title: string;
          unit?: 'reqps' | 'ratio' | 'seconds' | 'cores' | 'bytes' | 'none';
          query: string;
        }>;
      };
    };
  };
}
