/**
 * The one ajv instance of the package, set up for Kubernetes OpenAPI v3 schemas.
 */
import Ajv from 'ajv';

/** Annotation keywords of Kubernetes structural schemas that constrain nothing ajv can check. */
const ANNOTATION_KEYWORDS = [
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-embedded-resource',
  // CEL rules: evaluated by the API server only; the operator's few rules are about
  // autoscaling policies this module never renders.
  'x-kubernetes-validations',
];

const INT32 = 2 ** 31;
const RFC3339 =
  /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

let instance: Ajv | undefined;

export function getAjv(): Ajv {
  if (instance) return instance;
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    logger: false,
    // The CRD schemas are large; ajv's code optimisation passes cost more than they save here.
    code: { optimize: false },
    // Checking each compiled schema against the JSON Schema meta-schema compiles that
    // meta-schema first (~20 ms per process). The schemas are fixed at build time, so the
    // tests check them once instead (crdSchemaBundle.test.ts).
    validateSchema: false,
  });
  for (const keyword of ANNOTATION_KEYWORDS) ajv.addKeyword({ keyword });
  // `x-kubernetes-int-or-string: true` admits an integer or a string and nothing else. The CRDs
  // also spell it as `anyOf: [integer, string]`; the keyword guards schemas that do not.
  ajv.addKeyword({
    keyword: 'x-kubernetes-int-or-string',
    schemaType: 'boolean',
    errors: false,
    validate: (enabled: boolean, data: unknown) =>
      !enabled || typeof data === 'string' || Number.isInteger(data),
  });
  ajv.addFormat('int32', {
    type: 'number',
    validate: (n: number) => Number.isInteger(n) && n >= -INT32 && n < INT32,
  });
  ajv.addFormat('int64', {
    type: 'number',
    validate: (n: number) => Number.isInteger(n),
  });
  ajv.addFormat('date-time', {
    type: 'string',
    validate: (s: string) => RFC3339.test(s),
  });
  instance = ajv;
  return ajv;
}

/** Registers formats a schema uses that ajv does not know as "anything goes". */
export function registerUnknownFormats(formats: Iterable<string>): void {
  const ajv = getAjv();
  for (const format of formats) {
    if (!ajv.formats[format]) ajv.addFormat(format, true);
  }
}
