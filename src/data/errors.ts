import { codedErrorBase, type ErrorCatalogue } from '../core/index.js';

/** Codes of reading datasets. */
export const dataErrorCodes = {
  GG_ERR_DATASET_LAYOUT: {
    status: 400,
    summary: 'a folder that is neither the Food-11 layout nor class folders',
  },
  GG_ERR_DATASET_MISSING: { status: 400, summary: 'no dataset folder given (--data or GOURMETGRAM_DATA)' },
} as const satisfies ErrorCatalogue;

/** Errors of reading datasets. Each has a code of `dataErrorCodes`. */
export class DataError extends codedErrorBase(dataErrorCodes) {}

/** The folder is neither the Food-11 layout nor class folders. */
export class DatasetLayoutError extends DataError {
  constructor(dir: string, details: string) {
    super(
      'GG_ERR_DATASET_LAYOUT',
      `${dir} is not a dataset: ${details}. Expected the Food-11 layout (training/, validation/, evaluation/ with ` +
        '<classIndex>_<n>.jpg files) or class folders (train/<Class>/*.jpg, test/<Class>/*.jpg).',
    );
  }
}
