/** Helpers for the action tests. */
import fs from 'node:fs';
import path from 'node:path';
import { mockCredentials } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { parse } from 'yaml';

/** The `input` of the (single) step of a `TemplateExample`'s YAML. */
export function exampleInput(example: string): Record<string, any> {
  const parsed = parse(example);
  expect(parsed.steps).toHaveLength(1);
  return parsed.steps[0].input;
}

/** A mock action context on a fresh workspace, with the outputs collected. */
export function mockContext(
  workspacePath: string,
  input: Record<string, any>,
  isDryRun = false,
  /** The task's initiator (default: the mock user). */
  user?: string,
) {
  const ctx = createMockActionContext({ input: input as any, workspacePath });
  if (user) {
    const credentials = mockCredentials.user(user);
    ctx.getInitiatorCredentials = async () => credentials;
  }
  // createMockActionContext ignores isDryRun; set it so dry-run tests really run dry.
  (ctx as { isDryRun?: boolean }).isDryRun = isDryRun;
  const outputs: Record<string, any> = {};
  (ctx.output as jest.Mock).mockImplementation(
    (name: string, value: unknown) => {
      outputs[name] = value;
    },
  );
  const logged: string[] = [];
  const info = ctx.logger.info.bind(ctx.logger);
  jest.spyOn(ctx.logger, 'info').mockImplementation(((
    message: any,
    ...rest: any[]
  ) => {
    logged.push(String(message));
    return info(message, ...rest);
  }) as any);
  return { ctx, outputs, logged };
}

/** Every file below `dir`, relative to `root`, with `/` separators. */
export function listFiles(root: string, dir = root): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listFiles(root, full);
    return [path.relative(root, full).split(path.sep).join('/')];
  });
}

/** Every JSON-schema property without a description, as dotted paths. */
export function undescribed(schema: any, at = ''): string[] {
  const out: string[] = [];
  for (const [key, child] of Object.entries<any>(schema?.properties ?? {})) {
    const p = at ? `${at}.${key}` : key;
    if (!child.description) out.push(p);
    out.push(...undescribed(child, p));
    if (child.items) out.push(...undescribed(child.items, `${p}[]`));
  }
  return out;
}

/** The contract every action of this module keeps: its id, dry-run support, a described schema. */
export function expectDocumentedAction(
  action: {
    id: string;
    supportsDryRun?: boolean;
    schema?: { input?: unknown; output?: unknown };
  },
  id: string,
) {
  expect(action.id).toBe(id);
  expect(action.supportsDryRun).toBe(true);
  expect(undescribed(action.schema?.input)).toEqual([]);
  expect(undescribed(action.schema?.output)).toEqual([]);
}
