// Over 400 lines: one request handler keeps the emulated REST semantics together, until real
// control planes replace the emulator (issue 18).
/**
 * A Kubernetes API *emulator* for tests. No API server (kind, k3s, envtest) can run in this
 * environment, so this loopback HTTP server (node:http, port 0) follows the documented REST
 * semantics the `monitoring:apply` action relies on, and the action is driven through the real
 * `@kubernetes/client-node` client with a real KubeConfig:
 *
 * - discovery: `/api`, `/api/v1`, `/apis`, `/apis/<group>/<version>` (APIResourceList with `name`,
 *   `namespaced`, `kind`, `verbs`); a group/version whose CRDs are not installed answers 404;
 * - server-side apply: `PATCH` with `Content-Type: application/apply-patch+yaml`,
 *   `?fieldManager=` (required), `&force=true`, `&dryRun=All`; managed fields are tracked per
 *   manager at leaf granularity (arrays are atomic), a field owned by another manager with a
 *   different value is a 409 Conflict unless forced; a no-op apply keeps the resourceVersion;
 * - `GET` one object, `GET` a collection (LIST), 404 NotFound Status objects, a NotFound for
 *   namespaced objects in a missing namespace;
 * - `metadata.uid`, `resourceVersion`, `creationTimestamp`, `managedFields`.
 *
 * Like an API server it checks the bearer token before it reads a body (constant-time compare),
 * and refuses bodies over 3 MiB with 413 RequestEntityTooLarge, so a long-running instance (the
 * local stack's) stays small whatever a client sends.
 *
 * It is not a Kubernetes API server: no admission, no defaulting, no validation against schemas,
 * no watch, no strategic-merge list semantics. Test hooks: `setStatus` (readiness), `autoReady`,
 * `failRequest` (fail the N-th matching request), `installResources` (install CRDs later).
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import {
  content,
  fieldsV1,
  isPlainObject,
  Leaves,
  leavesOf,
  mergeLeaves,
  same,
  sameOwnership,
  takeOwnership,
} from './managedFields';
import {
  apiGroupList,
  apiResourceList,
  CORE_RESOURCES,
  EmulatedResource,
  OPERATOR_WORKLOADS,
} from './resources';

export type { EmulatedResource } from './resources';
export {
  CORE_RESOURCES,
  EXTERNAL_SECRETS_RESOURCES,
  OPERATOR_RESOURCES,
} from './resources';

/** kube-apiserver's default request body limit (`MaxRequestBodyBytes` of its generic server). */
export const MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024;
/** How much of a refused upload still in flight is read and dropped before the connection is cut. */
const MAX_DISCARDED_BYTES = 16 * 1024 * 1024;

interface StoredObject {
  resource: EmulatedResource;
  body: Record<string, any>;
  /** manager -> the leaves it owns (with the value it applied). */
  managers: Map<string, Leaves>;
  managerTimes: Map<string, string>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType?: string;
  authorization?: string;
}

interface FailRule {
  remaining: number;
  status: number;
  match: (r: RecordedRequest) => boolean;
}

export interface KubeEmulatorOptions {
  /** Resources the cluster serves (defaults to the core resources only). */
  resources?: EmulatedResource[];
  /** Objects become ready as soon as they are created (operator status, replica counts). */
  autoReady?: boolean;
  /** Bearer token the server requires (default `t`). */
  token?: string;
  /** Other bearer tokens it accepts (another service account's, e.g. apply's own). */
  extraTokens?: string[];
  /** Loopback port to listen on (default: any free one). */
  port?: number;
  /** Keep every request in `requests` (default true; a long-running process turns it off). */
  recordRequests?: boolean;
}

export class KubeEmulator {
  readonly requests: RecordedRequest[] = [];
  autoReady: boolean;
  private readonly resources: EmulatedResource[];
  private readonly store = new Map<string, StoredObject>();
  private readonly failRules: FailRule[] = [];
  private resourceVersion = 1000;
  private server?: http.Server;
  private readonly token: string;
  private readonly expectedAuthorizations: Buffer[];
  private readonly recordRequests: boolean;

  private constructor(opts: KubeEmulatorOptions) {
    this.recordRequests = opts.recordRequests ?? true;
    this.resources = [...(opts.resources ?? CORE_RESOURCES)];
    this.autoReady = opts.autoReady ?? false;
    const token = opts.token ?? 't';
    // `Bearer ` alone would then be the credential.
    const tokens = [token, ...(opts.extraTokens ?? [])];
    if (tokens.some(t => !t))
      throw new Error('KubeEmulator: the bearer token must not be empty');
    this.expectedAuthorizations = tokens.map(t =>
      Buffer.from(`Bearer ${t}`, 'utf8'),
    );
    this.token = token;
  }

  static async start(opts: KubeEmulatorOptions = {}): Promise<KubeEmulator> {
    const emu = new KubeEmulator(opts);
    emu.server = http.createServer((req, res) => {
      emu
        .handle(req, res)
        .catch(e =>
          emu.send(res, 500, emu.status(500, 'InternalError', String(e))),
        );
    });
    await new Promise<void>(resolve =>
      emu.server!.listen(opts.port ?? 0, '127.0.0.1', resolve),
    );
    return emu;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  /** A KubeConfig pointing at the emulator with a bearer token. */
  kubeConfig(): KubeConfig {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'emulator', server: this.url, skipTLSVerify: true }],
      users: [{ name: 'u', token: this.token }],
      contexts: [{ name: 'emulator', cluster: 'emulator', user: 'u' }],
      currentContext: 'emulator',
    });
    return kc;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections?.();
    await new Promise<void>(resolve => server.close(() => resolve()));
  }

  /** "Installs" CRDs: their group/version is served from now on. */
  installResources(resources: EmulatedResource[]) {
    this.resources.push(...resources);
  }

  /** Fails the `nth` (1-based) request matching `match` (default: a non-dry-run PATCH) with `status`. */
  failRequest(
    nth: number,
    opts: { status?: number; match?: (r: RecordedRequest) => boolean } = {},
  ) {
    this.failRules.push({
      remaining: nth,
      status: opts.status ?? 500,
      match:
        opts.match ??
        (r => r.method === 'PATCH' && r.query.dryRun === undefined),
    });
  }

  /** Every stored object (deep copies), in creation order. */
  objects(): Array<Record<string, any>> {
    return [...this.store.values()].map(o => this.render(o));
  }

  get(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
  ) {
    const o = this.store.get(this.key(apiVersion, kind, namespace, name));
    return o ? this.render(o) : undefined;
  }

  /** Sets `status` of a stored object (does not bump the resourceVersion, like a status subresource). */
  setStatus(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
    status: unknown,
  ) {
    const o = this.store.get(this.key(apiVersion, kind, namespace, name));
    if (!o) throw new Error(`no ${kind} ${namespace}/${name}`);
    o.body.status = structuredClone(status);
  }

  /** Makes every stored object ready (operator `updateStatus: operational`, replicas ready). */
  makeAllReady() {
    for (const o of this.store.values()) this.makeReady(o);
  }

  private makeReady(o: StoredObject) {
    const { kind } = o.resource;
    if (
      o.resource.group === 'operator.victoriametrics.com' &&
      OPERATOR_WORKLOADS.has(kind)
    ) {
      o.body.status = { ...o.body.status, updateStatus: 'operational' };
    } else if (kind === 'Deployment' || kind === 'StatefulSet') {
      const n = o.body.spec?.replicas ?? 1;
      o.body.status = { replicas: n, readyReplicas: n, availableReplicas: n };
    } else if (kind === 'DaemonSet') {
      o.body.status = {
        desiredNumberScheduled: 3,
        numberReady: 3,
        numberAvailable: 3,
      };
    }
  }

  private key(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
  ) {
    return `${apiVersion}|${kind}|${namespace ?? ''}|${name}`;
  }

  private render(o: StoredObject): Record<string, any> {
    const body = structuredClone(o.body);
    body.metadata.managedFields = [...o.managers.entries()].map(
      ([manager, leaves]) => ({
        manager,
        operation: 'Apply',
        apiVersion: body.apiVersion,
        time: o.managerTimes.get(manager),
        fieldsType: 'FieldsV1',
        fieldsV1: fieldsV1(leaves),
      }),
    );
    return body;
  }

  private status(
    code: number,
    reason: string,
    message: string,
    details?: Record<string, unknown>,
  ) {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      details,
      code,
    };
  }

  private send(res: http.ServerResponse, code: number, body: unknown) {
    const text = JSON.stringify(body);
    res.writeHead(code, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  /** Constant-time comparison of the whole `Authorization` header (lengths in bytes first). */
  private authorized(header: string | undefined): boolean {
    const given = Buffer.from(header ?? '', 'utf8');
    return this.expectedAuthorizations.some(
      expected =>
        given.length === expected.length && timingSafeEqual(given, expected),
    );
  }

  /**
   * Answers without reading the request body; the connection closes after the answer, so the
   * rest of an upload is not read (node:http would otherwise read it all to reuse the connection).
   */
  private refuseUnread(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    code: number,
    body: unknown,
  ) {
    const hasBody =
      req.headers['transfer-encoding'] !== undefined ||
      Number(req.headers['content-length'] ?? 0) > 0;
    if (hasBody) res.setHeader('connection', 'close');
    this.send(res, code, body);
  }

  /** The body as text, or undefined once it has answered 413 for a body over the API server's limit. */
  private readBody(
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): Promise<string | undefined> {
    const tooLarge = () =>
      this.status(
        413,
        'RequestEntityTooLarge',
        `Request entity too large: limit is ${MAX_REQUEST_BODY_BYTES}`,
      );
    if (Number(req.headers['content-length'] ?? 0) > MAX_REQUEST_BODY_BYTES) {
      this.refuseUnread(req, res, 413, tooLarge());
      return Promise.resolve(undefined);
    }
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_REQUEST_BODY_BYTES) {
          chunks.push(chunk);
          return;
        }
        // A chunked body that outgrows the limit: drop what was kept and answer now. What is
        // still in flight is discarded (not kept), so the client reads the 413 rather than a
        // reset; a client that keeps sending well past that is cut off.
        req.off('data', onData);
        chunks.length = 0;
        let discarded = 0;
        req.on('data', (rest: Buffer) => {
          discarded += rest.length;
          if (discarded > MAX_DISCARDED_BYTES) req.socket.destroy();
        });
        this.send(res, 413, tooLarge());
        resolve(undefined);
      };
      req.on('data', onData);
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // Health endpoints answer without credentials, as an API server's usually do.
    if (
      req.method === 'GET' &&
      ['/healthz', '/livez', '/readyz'].includes(url.pathname)
    ) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      return;
    }
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams.entries()),
      contentType: req.headers['content-type'],
      authorization: req.headers.authorization,
    };
    if (this.recordRequests) this.requests.push(record);
    // Credentials before the body: an anonymous client must not make the emulator read anything.
    if (!this.authorized(req.headers.authorization)) {
      this.refuseUnread(
        req,
        res,
        401,
        this.status(401, 'Unauthorized', 'Unauthorized'),
      );
      return;
    }
    const text = await this.readBody(req, res);
    if (text === undefined) return; // answered 413
    for (const rule of this.failRules) {
      if (rule.remaining > 0 && rule.match(record)) {
        rule.remaining -= 1;
        if (rule.remaining === 0) {
          this.send(
            res,
            rule.status,
            this.status(rule.status, 'InternalError', 'injected failure'),
          );
          return;
        }
      }
    }

    const parts = url.pathname
      .split('/')
      .filter(Boolean)
      .map(decodeURIComponent);
    // Discovery.
    if (req.method === 'GET') {
      if (parts.length === 1 && parts[0] === 'api') {
        this.send(res, 200, { kind: 'APIVersions', versions: ['v1'] });
        return;
      }
      if (parts.length === 1 && parts[0] === 'apis') {
        this.send(res, 200, apiGroupList(this.resources));
        return;
      }
      let gv: string | undefined;
      if (parts[0] === 'api' && parts.length === 2) gv = parts[1];
      else if (parts[0] === 'apis' && parts.length === 3)
        gv = `${parts[1]}/${parts[2]}`;
      if (gv) {
        const list = apiResourceList(this.resources, gv);
        if (!list) {
          this.send(
            res,
            404,
            this.status(
              404,
              'NotFound',
              'the server could not find the requested resource',
            ),
          );
          return;
        }
        this.send(res, 200, list);
        return;
      }
    }

    // Resource paths: /api/v1[/namespaces/ns]/plural[/name] or /apis/g/v[/namespaces/ns]/plural[/name].
    let rest: string[];
    let group = '';
    let version: string;
    if (parts[0] === 'api') {
      version = parts[1];
      rest = parts.slice(2);
    } else if (parts[0] === 'apis') {
      group = parts[1];
      version = parts[2];
      rest = parts.slice(3);
    } else {
      this.send(
        res,
        404,
        this.status(
          404,
          'NotFound',
          'the server could not find the requested resource',
        ),
      );
      return;
    }
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const [plural, name] = rest;
    const resource = this.resources.find(
      r => r.group === group && r.version === version && r.name === plural,
    );
    if (!resource) {
      this.send(
        res,
        404,
        this.status(
          404,
          'NotFound',
          'the server could not find the requested resource',
        ),
      );
      return;
    }
    const apiVersion = group ? `${group}/${version}` : version;
    const notFound = (n: string, r: EmulatedResource = resource) =>
      this.send(
        res,
        404,
        this.status(
          404,
          'NotFound',
          `${r.name}${r.group ? `.${r.group}` : ''} "${n}" not found`,
          { name: n, group: r.group, kind: r.name },
        ),
      );

    if (
      resource.namespaced &&
      namespace &&
      !this.store.has(this.key('v1', 'Namespace', undefined, namespace))
    ) {
      notFound(namespace, CORE_RESOURCES[0]);
      return;
    }

    if (req.method === 'GET' && !name) {
      const items = [...this.store.values()]
        .filter(
          o =>
            o.resource === resource &&
            (!namespace || o.body.metadata.namespace === namespace),
        )
        .map(o => this.render(o));
      this.send(res, 200, {
        kind: `${resource.kind}List`,
        apiVersion,
        metadata: { resourceVersion: String(this.resourceVersion) },
        items,
      });
      return;
    }
    if (req.method === 'GET') {
      const o = this.store.get(
        this.key(apiVersion, resource.kind, namespace, name),
      );
      if (o) this.send(res, 200, this.render(o));
      else notFound(name);
      return;
    }
    if (req.method === 'PATCH' && name) {
      if (record.contentType !== 'application/apply-patch+yaml') {
        this.send(
          res,
          415,
          this.status(
            415,
            'UnsupportedMediaType',
            `the emulator only supports server-side apply, got ${record.contentType}`,
          ),
        );
        return;
      }
      const manager = record.query.fieldManager;
      if (!manager) {
        this.send(
          res,
          422,
          this.status(
            422,
            'Invalid',
            'PATCH, application/apply-patch+yaml: fieldManager is required for apply requests',
          ),
        );
        return;
      }
      let applied: Record<string, any>;
      try {
        applied = parse(text);
      } catch (e) {
        this.send(
          res,
          400,
          this.status(400, 'BadRequest', 'error decoding YAML'),
        );
        return;
      }
      if (
        !isPlainObject(applied) ||
        applied.kind !== resource.kind ||
        applied.apiVersion !== apiVersion ||
        applied.metadata?.name !== name
      ) {
        this.send(
          res,
          400,
          this.status(
            400,
            'BadRequest',
            'the body does not match the request path',
          ),
        );
        return;
      }
      if (
        resource.namespaced &&
        (applied.metadata.namespace ?? namespace) !== namespace
      ) {
        this.send(
          res,
          400,
          this.status(
            400,
            'BadRequest',
            'the namespace of the object does not match the namespace of the request',
          ),
        );
        return;
      }
      this.apply(
        res,
        resource,
        apiVersion,
        namespace,
        name,
        applied,
        manager,
        record.query.force === 'true',
        record.query.dryRun === 'All',
      );
      return;
    }
    this.send(
      res,
      405,
      this.status(
        405,
        'MethodNotAllowed',
        `${req.method} is not supported by the emulator`,
      ),
    );
    return;
  }

  private apply(
    res: http.ServerResponse,
    resource: EmulatedResource,
    apiVersion: string,
    namespace: string | undefined,
    name: string,
    applied: Record<string, any>,
    manager: string,
    force: boolean,
    dryRun: boolean,
  ) {
    const key = this.key(apiVersion, resource.kind, namespace, name);
    const existing = this.store.get(key);
    const { managers, conflicts } = takeOwnership(
      existing?.managers,
      manager,
      leavesOf(applied),
      force,
    );
    if (conflicts.length > 0) {
      return this.send(
        res,
        409,
        this.status(
          409,
          'Conflict',
          `Apply failed with ${conflicts.length} conflict${conflicts.length > 1 ? 's' : ''}: ${conflicts.map(c => `conflict with "${c.manager}": ${c.field}`).join('; ')}`,
          {
            name,
            group: resource.group,
            kind: resource.name,
            causes: conflicts.map(c => ({
              reason: 'FieldManagerConflict',
              message: `conflict with "${c.manager}"`,
              field: c.field,
            })),
          },
        ),
      );
    }

    const body: Record<string, any> = {
      apiVersion,
      kind: resource.kind,
      metadata: { name },
    };
    if (resource.namespaced) body.metadata.namespace = namespace;
    mergeLeaves(body, managers);
    const now = new Date().toISOString();
    const changed =
      !existing ||
      !same(content(existing.body), content(body)) ||
      !sameOwnership(existing.managers, managers);
    body.metadata.uid = existing?.body.metadata.uid ?? randomUUID();
    body.metadata.creationTimestamp =
      existing?.body.metadata.creationTimestamp ?? now.replace(/\.\d+Z$/, 'Z');
    body.metadata.resourceVersion = changed
      ? String(this.resourceVersion + 1)
      : existing!.body.metadata.resourceVersion;
    if (existing?.body.status) body.status = existing.body.status;
    const managerTimes = new Map(existing?.managerTimes ?? []);
    if (changed) managerTimes.set(manager, now);
    const stored: StoredObject = { resource, body, managers, managerTimes };
    if (!dryRun) {
      if (changed) this.resourceVersion += 1;
      if (!existing && this.autoReady) this.makeReady(stored);
      this.store.set(key, stored);
    }
    return this.send(res, existing ? 200 : 201, this.render(stored));
  }
}
