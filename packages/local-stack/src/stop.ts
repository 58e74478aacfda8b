/** `stop` (and `stop --purge`): stops what `start` started, newest stage first. */
import * as fs from 'node:fs';
import { stackPaths } from './paths';
import { stopProcess } from './procControl';
import { processSpecs } from './processes';

export interface StopOptions {
  dir?: string;
  /** Also delete the data dir (only if it carries the stack's marker file). */
  purge?: boolean;
  log?: (line: string) => void;
}

export async function stopStack(opts: StopOptions = {}): Promise<void> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const paths = stackPaths(opts.dir);
  const specs = processSpecs(paths);
  // vmagents first, so they can flush to a hub that is still up; the hub last.
  const stages = [...new Set(specs.map(s => s.stage))].sort((a, b) => b - a);
  for (const stage of stages) {
    await Promise.all(
      specs
        .filter(s => s.stage === stage)
        .map(async spec =>
          log(`  ${spec.name}: ${await stopProcess(paths, spec)}`),
        ),
    );
  }
  if (opts.purge) {
    if (!fs.existsSync(paths.dir)) {
      log(`Data dir ${paths.dir} does not exist`);
    } else if (!fs.existsSync(paths.marker)) {
      throw new Error(
        `refusing to delete ${paths.dir}: it has no ${paths.marker} marker`,
      );
    } else {
      fs.rmSync(paths.dir, { recursive: true, force: true });
      log(`Deleted ${paths.dir}`);
    }
  }
}
