import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The only place the project reads `process.env`. Flags override these; these override the recipe.
 */
export interface Environment {
  /** Folder with backbone files for machines without internet (GOURMETGRAM_MODEL_MIRROR). */
  readonly modelMirror: string | undefined;
  /** Downloads, packaged models and embeddings (GOURMETGRAM_CACHE, default ~/.cache/gourmetgram). */
  readonly cacheDir: string;
  readonly logLevel: string;
  /** Everything else under GOURMETGRAM_*, for verbs that take their own settings from the environment. */
  readonly values: Readonly<Record<string, string>>;
}

export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(env))
    if (key.startsWith('GOURMETGRAM_') && value !== undefined)
      values[key.slice('GOURMETGRAM_'.length)] = value;
  return Object.freeze({
    modelMirror: env.GOURMETGRAM_MODEL_MIRROR ? resolve(env.GOURMETGRAM_MODEL_MIRROR) : undefined,
    cacheDir: resolve(
      env.GOURMETGRAM_CACHE ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'gourmetgram'),
    ),
    logLevel: env.GOURMETGRAM_LOG_LEVEL ?? 'info',
    values: Object.freeze(values),
  });
}
