/** The folder is neither the Food-11 layout nor class folders. */
export class DatasetLayoutError extends Error {
  readonly code = 'GG_ERR_DATASET_LAYOUT';
  constructor(dir: string, details: string) {
    super(
      `${dir} is not a dataset: ${details}. Expected the Food-11 layout (training/, validation/, evaluation/ with ` +
        '<classIndex>_<n>.jpg files) or class folders (train/<Class>/*.jpg, test/<Class>/*.jpg).',
    );
    this.name = 'DatasetLayoutError';
  }
}
