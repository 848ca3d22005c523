export {
  CodedError,
  type CodedErrorOptions,
  codedErrorBase,
  type ErrorCatalogue,
  type ErrorCodeInfo,
} from './coded-error.js';
export {
  ConfigurationError,
  type Environment,
  environmentVariables,
  readEnvironment,
} from './environment.js';
export { CoreError, coreErrorCodes } from './errors.js';
