export {
  objectErrors,
  validateObject,
  validateObjects,
} from './validateObjects';
export { objectRef } from './errors';
export { CRD_FILES, crdDirectory } from './crdFiles';
export { OPERATOR_API_VERSION } from './crdSchemas';
export { EXTERNAL_SECRETS_API_VERSION } from './externalSecret';
