import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { stringify } from 'yaml';

/** A `TemplateExample` of a template with one step: the form the examples of most actions take. */
export function oneStepExample(
  description: string,
  step: {
    id: string;
    name: string;
    action: string;
    input: Record<string, unknown>;
  },
): TemplateExample {
  return { description, example: stringify({ steps: [step] }) };
}
