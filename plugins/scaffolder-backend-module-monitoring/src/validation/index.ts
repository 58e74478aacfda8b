export { objectErrors, validateObject, validateObjects } from './validateObjects';
export { objectRef } from './errors';
export { CRD_FILES, OPERATOR_API_VERSION, crdDirectory } from './crdSchemas';
export { EXTERNAL_SECRETS_API_VERSION } from './externalSecret';
