import type { Environment } from '../core/index.js';
import { DataError } from '../data/index.js';
import type { ModelStoreOptions } from '../models/index.js';

/** Where models come from, as the environment says. */
export function storeOptions(env: Environment, headsDir?: string): ModelStoreOptions {
  return { mirrorDir: env.modelMirror, cacheDir: env.cacheDir, headsDir };
}

/** The dataset folder: the flag, else GOURMETGRAM_DATA. */
export function dataDirFrom(flag: string | undefined, env: Environment): string {
  const dir = flag ?? env.data;
  if (!dir)
    throw new DataError('GG_ERR_DATASET_MISSING', 'no dataset: pass --data <dir> or set GOURMETGRAM_DATA');
  return dir;
}
