export {
  CodedError,
  type CodedErrorOptions,
  codedErrorBase,
  type ErrorCatalogue,
  type ErrorCodeInfo,
} from './coded-error.js';
