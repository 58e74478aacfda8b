/**
 * Kubernetes client errors -> `@backstage/errors`. Messages are built from the status code, the
 * Status `reason` and (for conflicts) the conflicting managers and fields only: the client's own
 * error message embeds the response body and headers, which are never echoed.
 */
import {
  ConflictError,
  NotFoundError,
  NotAllowedError,
  InputError,
} from '@backstage/errors';
import {
  OPERATOR_API_VERSION,
  EXTERNAL_SECRETS_API_VERSION,
  objectRef,
  K8sObject,
} from '@hubspoke/backstage-plugin-monitoring-manifests';

interface KubeStatus {
  reason?: string;
  message?: string;
  details?: {
    name?: string;
    kind?: string;
    causes?: Array<{ message?: string; field?: string }>;
  };
}

function statusOf(err: unknown): { code?: number; status?: KubeStatus } {
  const e = err as { code?: unknown; body?: unknown };
  const code = typeof e?.code === 'number' ? e.code : undefined;
  let body = e?.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      body = undefined;
    }
  }
  const status =
    body && typeof body === 'object' && (body as any).kind === 'Status'
      ? (body as KubeStatus)
      : undefined;
  return { code, status };
}

/** Is this a NotFound for the object itself (not for its namespace or kind)? */
export function isObjectNotFound(err: unknown, obj: K8sObject): boolean {
  const { code, status } = statusOf(err);
  return (
    code === 404 &&
    status?.details?.name === obj.metadata.name &&
    status?.details?.kind !== 'namespaces'
  );
}

/** The missing namespace when the error is a NotFound for the object's namespace. */
export function missingNamespace(err: unknown): string | undefined {
  const { code, status } = statusOf(err);
  return code === 404 && status?.details?.kind === 'namespaces'
    ? status.details.name
    : undefined;
}

const SAFE_TOKEN = /^[\w.:/\-[\]]+$/;
/**
 * The parts of the API server's authorization refusal that are named in the error: the user when
 * it is a ServiceAccount (not a secret: its namespace and name), the verb and the resource.
 * Anything else in the Status message is left out.
 */
const FORBIDDEN =
  /^\S{1,253} "[^"]{0,253}" is forbidden: User "([^"]{1,300})" cannot ([a-z]{1,32}) resource "([a-z0-9-]{1,63}(?:\/[a-z0-9-]{1,63})?)" in API group "([a-z0-9.-]{0,253})"/;
const SERVICE_ACCOUNT =
  /^system:serviceaccount:([a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?):([a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?)$/;
/** An admission refusal of a ResourceQuota: its name. */
const QUOTA =
  /^\S{1,253} "[^"]{0,253}" is forbidden: exceeded quota: ([a-z0-9](?:[-a-z0-9.]{0,251}[a-z0-9])?),/;

function crdMessage(obj: K8sObject, cluster: string): string {
  if (obj.apiVersion === OPERATOR_API_VERSION) {
    return `the VictoriaMetrics operator CRDs are not installed in cluster ${cluster} (${obj.apiVersion} ${obj.kind} is not served; needed for ${objectRef(obj)})`;
  }
  if (obj.apiVersion === EXTERNAL_SECRETS_API_VERSION) {
    return `the External Secrets Operator CRDs are not installed in cluster ${cluster} (${obj.apiVersion} ${obj.kind} is not served; needed for ${objectRef(obj)})`;
  }
  return `${obj.apiVersion} ${obj.kind} is not served by cluster ${cluster} (needed for ${objectRef(obj)})`;
}

/** Maps an error of a request about `obj` to a `@backstage/errors` error with a safe message. */
export function mapKubeError(
  err: unknown,
  obj: K8sObject,
  ctx: { cluster: string; action: string; fieldManager: string },
): Error {
  const ref = objectRef(obj);
  const where = `${ctx.action} ${ref} in cluster ${ctx.cluster}`;
  const raw = err as { message?: unknown };
  const message = typeof raw?.message === 'string' ? raw.message : '';
  // Discovery: the group/version is not served at all, or it is served without this kind.
  if (
    message.startsWith('Unrecognized API version and kind') ||
    (message.startsWith('Failed to fetch resource metadata') &&
      statusOf(err).code === 404)
  ) {
    return new NotFoundError(crdMessage(obj, ctx.cluster));
  }
  const { code, status } = statusOf(err);
  if (code === undefined) {
    // Not an HTTP answer (connection refused, TLS, DNS): the message names no secrets.
    // The cause is left out on purpose: its message and stack would be appended in full, and
    // so is the client's wording around it (the request's URL).
    const first = message
      .split('\n')[0]
      .split('; caused by')[0]
      .replace(/^Failed to fetch resource metadata for [^:]{1,200}: /, '')
      .replace(/^request to \S{1,2000} failed, reason: /, '')
      .slice(0, 300);
    return new Error(`${where} failed: ${first || 'request failed'}`);
  }
  const reason =
    status?.reason && SAFE_TOKEN.test(status.reason)
      ? status.reason
      : `HTTP ${code}`;
  if (code === 409) {
    const causes = status?.details?.causes ?? [];
    const managers = [
      ...new Set(
        causes
          .map(c => /conflict with "([^"]{1,128})"/.exec(c.message ?? '')?.[1])
          .filter(Boolean),
      ),
    ];
    const fields = causes
      .map(c => c.field)
      .filter((f): f is string => !!f && SAFE_TOKEN.test(f));
    return new ConflictError(
      `${where}: conflict with field manager${managers.length > 1 ? 's' : ''} ${managers.map(m => `"${m}"`).join(', ') || '(unknown)'}` +
        `${fields.length ? ` on ${fields.join(', ')}` : ''}; ${ctx.fieldManager} does not own these fields (re-run with force to take them over)`,
    );
  }
  if (code === 404) {
    const ns = missingNamespace(err);
    if (ns)
      return new NotFoundError(`${where}: namespace ${ns} does not exist`);
    return new NotFoundError(`${where}: not found (${reason})`);
  }
  if (code === 401) {
    return new NotAllowedError(
      `${where}: the API server did not accept the token of monitoring.apply.clusters for cluster ${ctx.cluster} (${reason})`,
    );
  }
  if (code === 403) {
    const quota = QUOTA.exec(status?.message ?? '');
    if (quota) {
      return new NotAllowedError(
        `${where}: refused by ResourceQuota ${quota[1]}${obj.metadata.namespace ? ` of namespace ${obj.metadata.namespace}` : ''} (${reason})`,
      );
    }
    const denied = FORBIDDEN.exec(status?.message ?? '');
    const account = denied && SERVICE_ACCOUNT.exec(denied[1]);
    const identity = account
      ? ` (ServiceAccount ${account[1]}/${account[2]})`
      : '';
    const what = denied
      ? `${denied[2]} ${denied[4] ? `${denied[3]}.${denied[4]}` : denied[3]}`
      : 'do this';
    return new NotAllowedError(
      `${where}: the service account of cluster ${ctx.cluster}${identity} is not allowed to ${what} (${reason})`,
    );
  }
  if (code === 400 || code === 422) {
    return new InputError(
      `${where}: the API server rejected the object (${reason})`,
    );
  }
  return new Error(`${where}: the API server answered ${code} (${reason})`);
}
