import { isDeepStrictEqual } from 'node:util';
import { getAjv } from './ajv';
import { CRD_FILES } from './crdFiles';
import { readCrdSchemas } from './crdSchemaBundle';
import { loadCrdSchema } from './crdSchemas';
import { EXTERNAL_SECRET_SCHEMA } from './externalSecret';
import { OPERATOR_SCHEMAS_JSON } from './operatorSchemas.generated';

const fromYaml = readCrdSchemas();

describe('operatorSchemas.generated.ts', () => {
  const generated = Object.fromEntries(
    Object.entries(OPERATOR_SCHEMAS_JSON).map(([kind, json]) => [
      kind,
      JSON.parse(json),
    ]),
  );

  it('holds the v1beta1 schema of every CRD in crds/', () => {
    expect(Object.keys(generated)).toEqual(Object.keys(CRD_FILES));
  });

  it('matches crds/ (if not, regenerate it as crdSchemaBundle.ts says)', () => {
    const stale = Object.keys(CRD_FILES).filter(
      kind => !isDeepStrictEqual(generated[kind], fromYaml[kind]),
    );
    expect(stale).toEqual([]);
  });
});

// The runtime ajv instance does not check schemas against the meta-schema (validateSchema:
// false, to save compiling the meta-schema in every process); the schemas are checked here.
describe('the schemas compiled at run time are valid JSON schemas', () => {
  const ajv = getAjv();
  const metaSchemaErrors = (schema: object) =>
    ajv.validateSchema(schema) ? [] : ajv.errors;

  it.each(Object.keys(CRD_FILES))('%s, in its structural form', kind => {
    expect(metaSchemaErrors(loadCrdSchema(kind, new Set())!)).toEqual([]);
  });

  it('ExternalSecret', () => {
    expect(metaSchemaErrors(EXTERNAL_SECRET_SCHEMA)).toEqual([]);
  });

  it('an invalid schema is reported', () => {
    expect(metaSchemaErrors({ type: 'object', required: 'name' })).not.toEqual(
      [],
    );
  });
});
