import { preparePackagedModel } from '../models/index.js';
import type { Recipe } from '../recipes/index.js';
import type { Classifier, ClassifyOptions, Prediction } from './classifier.js';
import { InferenceError } from './errors.js';
import { InlineClassifier } from './inline-classifier.js';
import type { ModelSource } from './model-source.js';
import type { PoolObserver, PoolStats } from './pool-observer.js';
import { WorkerPool } from './worker-pool.js';

export interface CreateClassifierOptions {
  /** The model to serve; the recipe's packaged model when absent. */
  readonly model?: ModelSource;
  readonly mirrorDir?: string | undefined;
  readonly cacheDir?: string;
  readonly headsDir?: string;
  readonly observer?: PoolObserver;
}

/** A classifier with the extra controls the in-process implementations offer. */
export interface LocalClassifier extends Classifier {
  readonly model: ModelSource;
  /** Classifies a ready float32 [3,S,S] tensor; only the pool offers it. */
  classifyTensor?(tensor: Float32Array, options?: ClassifyOptions): Promise<Prediction>;
  stats?(): PoolStats;
  /** Ends one worker abruptly (crash drills); only the pool offers it. */
  killWorker?(): Promise<boolean>;
}

/**
 * The in-process classifier a recipe describes: a warmed-up worker pool (`serving.mode: pool`) or the
 * predecessor's inline path (`serving.mode: inline`). Resolves once it can take work.
 *
 * @example
 * const classifier = await createClassifier(await loadRecipe('latency'), { cacheDir, mirrorDir });
 */
export async function createClassifier(
  recipe: Recipe,
  options: CreateClassifierOptions = {},
): Promise<LocalClassifier> {
  const model = options.model ?? (await packagedSource(recipe, options));
  if (recipe.serving.mode === 'inline') return InlineClassifier.start(model, recipe.serving);
  return WorkerPool.start(model, recipe.serving, options.observer ? { observer: options.observer } : {});
}

async function packagedSource(recipe: Recipe, options: CreateClassifierOptions): Promise<ModelSource> {
  if (!options.cacheDir)
    throw new InferenceError(
      'GG_ERR_CLASSIFIER_CONFIG',
      "createClassifier needs cacheDir (or a model) to package the recipe's model",
    );
  return preparePackagedModel(recipe.model, {
    mirrorDir: options.mirrorDir,
    cacheDir: options.cacheDir,
    headsDir: options.headsDir,
  });
}
