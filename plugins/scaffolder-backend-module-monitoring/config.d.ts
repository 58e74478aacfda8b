export interface Config {
  monitoring?: {
    /** Settings of the `monitoring:apply` scaffolder action. */
    apply?: {
      /**
       * Key of the seal the render actions put on what they write (HMAC-SHA256; at least 32
       * characters). Apply applies only sealed files. Without it each backend process uses a
       * random key: set it when several instances run scaffolder tasks.
       * @visibility secret
       */
      renderKey?: string;
      /** When set, the only clusters apply may target (names in kubernetes.clusterLocatorMethods). */
      allowedClusters?: string[];
      /**
       * Credentials for applying, per cluster of `kubernetes.clusterLocatorMethods` (matched by
       * name; the URL and TLS settings still come from there). Apply creates Secrets and RBAC
       * objects, so it may need a stronger token than the Kubernetes plugin's, which the plugin's
       * proxy uses on behalf of users. Without an entry, the cluster's own token is used.
       */
      clusters?: Array<{
        /** The cluster's name in kubernetes.clusterLocatorMethods. */
        name: string;
        /**
         * Bearer token of a service account allowed to server-side apply the rendered kinds.
         * @visibility secret
         */
        serviceAccountToken: string;
      }>;
    };
  };
}
