/**
 * A test process that ends without calling `stop()` (a failed beforeAll, a forgotten afterAll)
 * leaves no PostgreSQL or Redis behind: both are killed and their folders deleted at exit.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { acceptsConnections } from './testServerProcess';

jest.setTimeout(60_000);

const script = `
const { startTestPostgres } = require(${JSON.stringify(path.join(__dirname, 'testPostgres.ts'))});
const { startTestRedis } = require(${JSON.stringify(path.join(__dirname, 'testRedis.ts'))});
(async () => {
  const [pg, redis] = await Promise.all([startTestPostgres(), startTestRedis()]);
  console.log(JSON.stringify({ ports: [pg.port, redis.port], dirs: [pg.dir, redis.dir] }));
  process.exit(0);
})().catch(e => { console.error(e); process.exit(1); });
`;

async function closedWithin(port: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!(await acceptsConnections(port))) return true;
    await new Promise(r => setTimeout(r, 100));
  }
  return false;
}

it('kills the servers and deletes their folders when the process exits without stop()', async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      '-e',
      script,
    ],
    { timeout: 45_000 },
  );
  const { ports, dirs } = JSON.parse(stdout.trim().split('\n').pop()!);
  expect(ports).toHaveLength(2);
  for (const port of ports) expect(await closedWithin(port, 5000)).toBe(true);
  for (const dir of dirs) expect(fs.existsSync(dir)).toBe(false);
});
