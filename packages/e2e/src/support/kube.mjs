// Reads the local stack's Kubernetes clusters as their admin, to check what a template applied:
// the kubeconfig the stack writes for each cluster (<stack dir>/kube/<cluster>/kube-admin-token.kubeconfig,
// its API server's URL, the stack's CA and the admin's token), over TLS verified with that CA. The
// stack dir is `$MONITORING_STACK_DIR`, or `<repo>/.stack` (as packages/local-stack/src/paths.ts).
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../..',
);

/** The local stack's data dir: `$MONITORING_STACK_DIR`, or `<repo>/.stack`. */
const stackDir = () =>
  path.resolve(process.env.MONITORING_STACK_DIR || path.join(root, '.stack'));

/** The admin kubeconfig of a local cluster: `{ server, ca, token }`. */
export function adminAccess(cluster) {
  const file = path.join(
    stackDir(),
    'kube',
    cluster,
    'kube-admin-token.kubeconfig',
  );
  if (!fs.existsSync(file))
    throw new Error(
      `${file} is missing: start the local stack (npm run stack -- start)`,
    );
  const config = JSON.parse(fs.readFileSync(file, 'utf8'));
  const { server, ...c } = config.clusters[0].cluster;
  const ca = c['certificate-authority-data']
    ? Buffer.from(c['certificate-authority-data'], 'base64')
    : fs.readFileSync(
        path.resolve(path.dirname(file), c['certificate-authority']),
      );
  return { server, ca, token: config.users[0].user.token };
}

/** GET `apiPath` (e.g. `/api/v1/namespaces/monitoring/secrets`) as the admin: `{ status, body }`. */
export function kubeGet(cluster, apiPath) {
  const { server, ca, token } = adminAccess(cluster);
  return new Promise((resolve, reject) => {
    const req = https.get(
      new URL(apiPath, server),
      { ca, headers: { authorization: `Bearer ${token}` }, timeout: 30_000 },
      res => {
        const chunks = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body;
          try {
            body = JSON.parse(text);
          } catch {
            body = text;
          }
          resolve({ status: res.statusCode, body });
        });
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`${cluster} ${apiPath}: timed out`)),
    );
    req.on('error', reject);
  });
}

/** The items of a collection, e.g. `/apis/operator.victoriametrics.com/v1beta1/namespaces/monitoring/vmagents`. */
export async function kubeList(cluster, apiPath) {
  const { status, body } = await kubeGet(cluster, apiPath);
  if (status !== 200)
    throw new Error(`${cluster} ${apiPath}: ${status} ${body?.reason ?? ''}`);
  return body.items;
}

/** One object, or undefined when it does not exist. */
export async function kubeRead(cluster, apiPath) {
  const { status, body } = await kubeGet(cluster, apiPath);
  if (status === 404) return undefined;
  if (status !== 200)
    throw new Error(`${cluster} ${apiPath}: ${status} ${body?.reason ?? ''}`);
  return body;
}
