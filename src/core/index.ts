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
export { projectPath, projectRoot } from './project-paths.js';
export { normal, type Random, seededRandom, shuffle } from './random.js';
