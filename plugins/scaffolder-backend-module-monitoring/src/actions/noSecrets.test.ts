/**
 * No secret value ever reaches the workspace: render hub and spoke with both secret strategies
 * and scan every written file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { parseAllDocuments } from 'yaml';
import { listFiles, mockContext } from '../__testUtils__/actions';
import { createHubRenderAction } from './hubRender';
import { createSpokeRenderAction } from './spokeRender';
import { testAuthorization } from '../__testUtils__/authorization';

/** Keys whose value would be a credential. */
const SECRET_KEY =
  /pass(word|wd)?|secret|token|credential|api[-_]?key|private[-_]?key/i;
/** ... unless the key names a reference to one: a file path, a Secret name, a key name. */
const REFERENCE_KEY = /(File|Ref|Name|^secretKey|^configSecret)$/;
/** What a credential-named key may hold: a reference to an environment variable. */
const ENV_REFERENCE = /^\$\{?[A-Z_][A-Z0-9_]*\}?$/;
/** Strings that look like generated secrets: long runs of base64/hex, or PEM blocks. */
const LOOKS_SECRET = [
  /-----BEGIN [A-Z ]+-----/,
  /\b[A-Fa-f0-9]{32,}\b/,
  /(?=[A-Za-z0-9+]*\d)(?=[A-Za-z0-9+]*[A-Z])(?=[A-Za-z0-9+]*[a-z])[A-Za-z0-9+]{32,}={0,2}/,
];

/** Credential-looking findings in a parsed document, as `path: why`. */
function findings(node: unknown, at: string, out: string[]): string[] {
  if (Array.isArray(node))
    node.forEach((v, i) => findings(v, `${at}[${i}]`, out));
  else if (node && typeof node === 'object') {
    const obj = node as Record<string, unknown>;
    if (obj.kind === 'Secret' && ('data' in obj || 'stringData' in obj)) {
      out.push(`${at}: a Secret with data`);
    }
    for (const [key, value] of Object.entries(obj)) {
      const p = `${at}.${key}`;
      if (
        SECRET_KEY.test(key) &&
        !REFERENCE_KEY.test(key) &&
        typeof value === 'string' &&
        !ENV_REFERENCE.test(value)
      ) {
        out.push(`${p}: credential-named key with a literal value`);
      }
      findings(value, p, out);
    }
  } else if (typeof node === 'string') {
    for (const re of LOOKS_SECRET)
      if (re.test(node)) out.push(`${at}: looks like a secret`);
    // Embedded documents (datasource provisioning, dashboards) are scanned as well.
    if (node.includes('\n') && /:\s/.test(node)) {
      for (const doc of parseAllDocuments(node)) {
        if (doc.errors.length === 0)
          findings(doc.toJS(), `${at}(embedded)`, out);
      }
    }
  }
  return out;
}

describe('no secret value in the workspace', () => {
  const mockDir = createMockDirectory();
  // Values a template might carry in ctx.secrets: none may appear in a written file.
  const taskSecrets = {
    databasePassword: 'Pg-Pa55w0rd-4242',
    adminPassword: 'Adm1n-Secret-777',
  };

  it.each(['kubernetes', 'external-secrets'])(
    'secretStrategy %s',
    async secretStrategy => {
      const workspace = mockDir.resolve(secretStrategy);
      const hub = mockContext(workspace, {
        name: 'hub',
        storageClass: 'gp3',
        grafanaDomain: 'grafana.example.com',
        secretStrategy,
      });
      hub.ctx.secrets = taskSecrets;
      await createHubRenderAction({
        authorization: testAuthorization().authorization,
      }).handler(hub.ctx);
      for (const [clusterName, environment] of [
        ['dev', 'dev'],
        ['prod', 'production'],
      ]) {
        const spoke = mockContext(workspace, {
          clusterName,
          environment,
          hubUrl: 'https://vmauth.example.com',
          storageClass: 'gp3',
          secretStrategy,
        });
        spoke.ctx.secrets = taskSecrets;
        await createSpokeRenderAction({
          authorization: testAuthorization().authorization,
        }).handler(spoke.ctx);
      }

      const files = listFiles(workspace);
      expect(files.length).toBeGreaterThan(60);
      const problems: string[] = [];
      const seals: any[] = [];
      for (const file of files) {
        const text = fs.readFileSync(path.join(workspace, file), 'utf8');
        for (const value of Object.values(taskSecrets)) {
          if (text.includes(value))
            problems.push(`${file}: contains a task secret`);
        }
        if (file.endsWith('/.monitoring/render.json')) {
          // The seal is checked below; the entropy check would flag every digest.
          seals.push(JSON.parse(text));
        } else if (file.endsWith('.json')) {
          findings(JSON.parse(text), file, problems);
        } else {
          if (/^kind:\s*Secret\s*$/m.test(text))
            problems.push(`${file}: kind: Secret`);
          for (const doc of parseAllDocuments(text))
            findings(doc.toJS(), file, problems);
        }
      }
      expect(problems).toEqual([]);
      // A seal: digests of the files (public content) and one HMAC over them, nothing else.
      // A MAC reveals nothing of its key. Every rendered folder has one.
      const folders = files.filter(f => f.endsWith('kustomization.yaml'));
      expect(folders.length).toBeGreaterThan(0);
      expect(seals).toHaveLength(folders.length);
      for (const seal of seals) {
        expect(Object.keys(seal).sort()).toEqual([
          'cluster',
          'entityRef',
          'files',
          'identity',
          'mac',
          'role',
          'task',
          'version',
        ]);
        expect(
          [seal.mac, ...Object.values(seal.files)].every(v =>
            /^[0-9a-f]{64}$/.test(v as string),
          ),
        ).toBe(true);
      }

      const kinds = files
        .filter(f => f.endsWith('.yaml'))
        .map(
          f =>
            parseAllDocuments(
              fs.readFileSync(path.join(workspace, f), 'utf8'),
            )[0].toJS().kind,
        );
      expect(kinds).not.toContain('Secret');
      // ExternalSecrets, or else one secret-requirements.json each for the hub and the two spokes.
      const external = secretStrategy === 'external-secrets';
      expect(kinds.includes('ExternalSecret')).toBe(external);
      expect(
        files.filter(f => f.endsWith('secret-requirements.json')),
      ).toHaveLength(external ? 0 : 3);
    },
  );

  it('the scanner itself catches secrets', () => {
    expect(
      findings({ kind: 'Secret', data: { a: 'eA==' } }, 'x', []),
    ).not.toEqual([]);
    expect(findings({ spec: { password: 'hunter2' } }, 'x', [])).not.toEqual(
      [],
    );
    expect(
      findings(
        { spec: { value: 'c2VjcmV0c2VjcmV0c2Vjc0c2VjcmV0c2Vjc3R4c2VjcmV0' } },
        'x',
        [],
      ),
    ).not.toEqual([]);
    expect(
      findings(
        { cfg: 'secureJsonData:\n  basicAuthPassword: hunter2\n' },
        'x',
        [],
      ),
    ).not.toEqual([]);
    expect(findings({ cfg: { clientSecret: 's3cr3t' } }, 'x', [])).not.toEqual(
      [],
    );
    expect(
      findings({ env: { password: '${VM_DATASOURCE_PASSWORD}' } }, 'x', []),
    ).toEqual([]);
    expect(
      findings(
        {
          spec: {
            configSecret: 'hub-alertmanager',
            bearerTokenFile: '/var/run/token',
          },
        },
        'x',
        [],
      ),
    ).toEqual([]);
  });
});
