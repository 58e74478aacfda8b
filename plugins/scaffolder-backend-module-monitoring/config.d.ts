export interface Config {
  monitoring?: {
    /** Settings of the `monitoring:apply` scaffolder action. */
    apply?: {
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
