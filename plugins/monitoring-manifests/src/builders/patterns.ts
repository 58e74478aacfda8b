/** Kubernetes name grammars the builders, the actions and the validation check against. */

/** RFC 1123 label: namespaces, most object names. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** RFC 1035 label: also valid inside Service names, which must start with a letter. */
export const NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** RFC 1123 subdomain: storage classes, host names. */
export const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A non-empty label value of at most 63 characters (e.g. the `service` label, from a pod label). */
export const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
