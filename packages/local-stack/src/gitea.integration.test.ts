/**
 * The real Gitea binary, as the stack runs it: started on a free port in a temporary folder from
 * the generated app.ini, migrated, provisioned (admin user and organisation); provisioning again
 * changes nothing, and resets a password that is not the stack's.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BIN } from './binaries';
import { giteaFiles, GiteaLayout, provisionGitea } from './gitea';
import { httpRequest } from './http';
import { startTestGitea, TestGitea } from './testGitea';

jest.setTimeout(300_000);

let gitea: TestGitea;
let layout: GiteaLayout;
let iniBefore: string;

beforeAll(async () => {
  gitea = await startTestGitea({ org: 'team-platform' });
  const port = Number(new URL(gitea.url).port);
  layout = {
    dir: path.join(gitea.dir, 'gitea'),
    host: '127.0.0.1',
    port,
    bin: BIN.gitea,
  };
  iniBefore = fs.readFileSync(giteaFiles(layout).config, 'utf8');
});
afterAll(() => gitea?.stop());

const get = (apiPath: string, password = gitea.password) =>
  httpRequest(`${gitea.url}/api/v1${apiPath}`, {
    auth: { username: gitea.user, password },
  });

describe('a Gitea started by the stack', () => {
  it('answers as the admin user with the generated password, the organisation created, no token left', async () => {
    const me = await get('/user');
    expect(me.status).toBe(200);
    expect(JSON.parse(me.body)).toMatchObject({
      login: 'backstage',
      is_admin: true,
    });
    expect((await get('/orgs/team-platform')).status).toBe(200);
    // The one-time token that set the password is gone.
    expect(JSON.parse((await get('/users/backstage/tokens')).body)).toEqual([]);
    expect((await get('/user', 'wrong')).status).toBe(401);
    expect((await httpRequest(`${gitea.url}/api/healthz`, {})).status).toBe(
      200,
    );
  });

  it('leaves its app.ini as generated (nothing written back, so a restart sees no change)', () => {
    expect(fs.readFileSync(giteaFiles(layout).config, 'utf8')).toBe(iniBefore);
    expect(fs.statSync(giteaFiles(layout).config).mode & 0o777).toBe(0o600);
  });

  it('provisions idempotently, and resets a password that is not the one given', async () => {
    const account = {
      user: gitea.user,
      password: gitea.password,
      orgs: ['team-platform'],
    };
    expect(await provisionGitea(layout, account)).toEqual([]);
    const renewed = `${gitea.password}-renewed`;
    expect(
      await provisionGitea(layout, {
        ...account,
        password: renewed,
        orgs: ['team-platform', 'team-shop'],
      }),
    ).toEqual(['user backstage', 'organisation team-shop']);
    expect((await get('/user', renewed)).status).toBe(200);
    expect((await get('/user')).status).toBe(401);
    await provisionGitea(layout, account);
    expect((await get('/user')).status).toBe(200);
  });
});
