/**
 * The local clusters' PKI, made once with `openssl` into `<stack>/kube/pki/` (0700): a CA (its
 * certificate is the `caData` the app's Kubernetes config carries, so nothing skips TLS
 * verification), one serving certificate for 127.0.0.1 signed by it (every API server,
 * controller manager and scheduler serves it), and the service-account signing key pair.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface KubePki {
  dir: string;
  caCert: string;
  caKey: string;
  servingCert: string;
  servingKey: string;
  serviceAccountKey: string;
  serviceAccountPub: string;
}

export function kubePki(kubeDir: string): KubePki {
  const dir = path.join(kubeDir, 'pki');
  const f = (name: string) => path.join(dir, name);
  return {
    dir,
    caCert: f('ca.crt'),
    caKey: f('ca.key'),
    servingCert: f('serving.crt'),
    servingKey: f('serving.key'),
    serviceAccountKey: f('sa.key'),
    serviceAccountPub: f('sa.pub'),
  };
}

function openssl(args: string[], input?: string) {
  const res = spawnSync('openssl', args, { encoding: 'utf8', input });
  if (res.error || res.status !== 0) {
    const tail = (res.stderr || res.error?.message || '')
      .trim()
      .split('\n')
      .slice(-3)
      .join(' ');
    const hint = res.error ? ' (is the Debian package openssl installed?)' : '';
    throw new Error(`openssl ${args[0]} failed: ${tail}${hint}`);
  }
}

/** Creates whatever part of the PKI is missing; returns it. Idempotent. */
export function ensureKubePki(kubeDir: string): KubePki {
  const pki = kubePki(kubeDir);
  fs.mkdirSync(pki.dir, { recursive: true, mode: 0o700 });
  if (!fs.existsSync(pki.caCert)) {
    // A new CA invalidates the old serving certificate.
    fs.rmSync(pki.servingCert, { force: true });
    openssl(['genrsa', '-out', pki.caKey, '2048']);
    openssl([
      'req',
      '-x509',
      '-new',
      '-key',
      pki.caKey,
      '-days',
      '3650',
      '-sha256',
      '-subj',
      '/CN=monitoring-local-stack-ca',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
      '-out',
      pki.caCert,
    ]);
  }
  if (!fs.existsSync(pki.servingCert)) {
    const csr = path.join(pki.dir, 'serving.csr');
    const ext = path.join(pki.dir, 'serving.ext');
    fs.writeFileSync(
      ext,
      'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n',
    );
    openssl(['genrsa', '-out', pki.servingKey, '2048']);
    openssl([
      'req',
      '-new',
      '-key',
      pki.servingKey,
      '-subj',
      '/CN=127.0.0.1',
      '-out',
      csr,
    ]);
    openssl([
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      pki.caCert,
      '-CAkey',
      pki.caKey,
      '-CAcreateserial',
      '-days',
      '825',
      '-sha256',
      '-extfile',
      ext,
      '-out',
      pki.servingCert,
    ]);
    fs.rmSync(csr, { force: true });
  }
  if (!fs.existsSync(pki.serviceAccountPub)) {
    openssl(['genrsa', '-out', pki.serviceAccountKey, '2048']);
    openssl([
      'rsa',
      '-in',
      pki.serviceAccountKey,
      '-pubout',
      '-out',
      pki.serviceAccountPub,
    ]);
  }
  for (const key of [pki.caKey, pki.servingKey, pki.serviceAccountKey])
    fs.chmodSync(key, 0o600);
  return pki;
}

/** The CA certificate as `caData` (base64 of the PEM), as kubeconfig and app-config.yaml take it. */
export const caData = (pki: KubePki) =>
  fs.readFileSync(pki.caCert).toString('base64');
