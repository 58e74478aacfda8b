import { z } from 'zod/v3';

/** Output of both render actions. */
export function renderOutputSchema(zi: typeof z) {
  return zi.object({
    path: zi
      .string()
      .describe(
        'Folder the manifests were written to, relative to the workspace',
      ),
    objectCount: zi
      .number()
      .describe('Number of objects rendered and validated'),
    files: zi
      .array(zi.string())
      .describe(
        'Written manifest files, relative to the workspace, in apply order',
      ),
    secrets: zi
      .array(
        zi.object({
          cluster: zi
            .enum(['hub', 'spoke'])
            .describe('Cluster the Secret lives in'),
          namespace: zi.string().describe('Namespace of the Secret'),
          name: zi.string().describe('Name of the Secret'),
          keys: zi.array(zi.string()).describe('Keys the Secret must have'),
        }),
      )
      .describe(
        'Secrets the apply step must create (secretStrategy kubernetes; empty with external-secrets). Names and keys only, never values; details in secret-requirements.json',
      ),
  });
}
