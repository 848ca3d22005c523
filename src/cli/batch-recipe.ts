import type { Recipe } from '../recipes/index.js';

/** Offline work queues all its photos at once: the serving deadline and queue bound would drop them. */
export function batchRecipe(recipe: Recipe): Recipe {
  return { ...recipe, serving: { ...recipe.serving, timeout_ms: 600_000, max_queue: 100_000 } };
}
