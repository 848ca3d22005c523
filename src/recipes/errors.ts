import { codedErrorBase, type ErrorCatalogue } from '../core/index.js';

/** Codes of recipes. */
export const recipeErrorCodes = {
  GG_ERR_RECIPE: { status: 400, summary: 'a recipe file that cannot be read or fails its schema' },
  GG_ERR_RECIPE_UNKNOWN: {
    status: 404,
    summary: 'no recipe of that name (the message lists the known ones)',
  },
} as const satisfies ErrorCatalogue;

/** Errors of recipes. Each has a code of `recipeErrorCodes`. */
export class RecipeError extends codedErrorBase(recipeErrorCodes) {
  constructor(path: string, details: string, options?: { cause?: unknown }) {
    super('GG_ERR_RECIPE', `recipe ${path} is not valid: ${details}`, options);
  }
}

/** A recipe asked for by a name that no file in `recipes/` has. */
export class UnknownRecipeError extends codedErrorBase(recipeErrorCodes) {
  constructor(name: string, known: readonly string[]) {
    super(
      'GG_ERR_RECIPE_UNKNOWN',
      `no recipe named '${name}'; known recipes: ${known.join(', ') || '(none)'}`,
    );
  }
}
