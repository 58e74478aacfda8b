/** `status`: which stack processes run and answer. */
import { HOST } from './endpoints';
import { answers } from './http';
import { stackPaths } from './paths';
import { runningPid } from './procControl';
import { processSpecs } from './processes';

export interface ProcessStatus {
  name: string;
  pid?: number;
  port: number;
  up: boolean;
}

export async function stackStatus(
  opts: { dir?: string } = {},
): Promise<ProcessStatus[]> {
  const paths = stackPaths(opts.dir);
  return Promise.all(
    processSpecs(paths).map(async spec => {
      const pid = runningPid(paths, spec);
      const up =
        pid !== undefined &&
        (await answers(HOST, spec.port, spec.healthPath, spec.healthCa));
      return { name: spec.name, pid, port: spec.port, up };
    }),
  );
}

export function formatStatusTable(rows: ProcessStatus[]): string {
  const table = [
    ['NAME', 'PID', 'PORT', 'STATE'],
    ...rows.map(r => [
      r.name,
      r.pid ? String(r.pid) : '-',
      String(r.port),
      r.up ? 'up' : 'down',
    ]),
  ];
  const widths = table[0].map((_, i) =>
    Math.max(...table.map(row => row[i].length)),
  );
  return table
    .map(row =>
      row
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
