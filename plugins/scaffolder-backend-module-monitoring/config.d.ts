export interface Config {
  monitoring?: {
    /** Settings of the `monitoring:apply` scaffolder action. */
    apply?: {
      /**
       * Key of the seal the render actions put on what they write (HMAC-SHA256): at least 32
       * random bytes, base64-encoded - generate it with `openssl rand -base64 32`. A key that is
       * not base64, decodes to fewer than 32 bytes or is plainly not random (one repeated byte)
       * stops the backend at start-up. Apply applies only sealed files. Without it each backend
       * process uses a random key: set it when several instances run scaffolder tasks.
       * @visibility secret
       */
      renderKey?: string;
      /** When set, the only clusters apply may target (names in kubernetes.clusterLocatorMethods). */
      allowedClusters?: string[];
      /**
       * Apply's own credentials and namespaces, per cluster of `kubernetes.clusterLocatorMethods`
       * (matched by name; the URL and TLS settings still come from there). Apply creates Secrets
       * and RBAC objects, and never uses the Kubernetes plugin's `serviceAccountToken` (the
       * plugin's proxy uses it on behalf of users): a cluster without an entry here is refused.
       */
      clusters?: Array<{
        /** The cluster's name in kubernetes.clusterLocatorMethods. */
        name: string;
        /**
         * Bearer token of a service account allowed to server-side apply the rendered kinds.
         * @visibility secret
         */
        serviceAccountToken: string;
        /**
         * The namespaces apply may write into in this cluster: every namespaced object (and
         * every Secret it creates) must be in one of them, a Namespace object must be one of
         * them, and a ClusterRoleBinding may bind only service accounts there; anything else is
         * refused before the cluster is called. Default: `[monitoring]`, the namespace the
         * templates render into by default. Never empty.
         */
        allowedNamespaces?: string[];
      }>;
    };
  };
}
