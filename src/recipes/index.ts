export { RecipeError, recipeErrorCodes, UnknownRecipeError } from './errors.js';
export { knownRecipes, loadRecipe, parseRecipe, shippedRecipes } from './load-recipe.js';
export {
  autoscalingSchema,
  type ModelConfig,
  modelInputSize,
  modelSchema,
  type Recipe,
  recipeBackbones,
  recipeSchema,
  resourcesSchema,
  type ServingConfig,
  servingSchema,
} from './recipe-schema.js';
