import { readdir, readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { projectPath } from '../core/index.js';
import { RecipeError, UnknownRecipeError } from './errors.js';
import { type Recipe, recipeSchema } from './recipe-schema.js';

/** Parses and validates recipe YAML text; the result is deeply frozen. */
export function parseRecipe(text: string, path = '<recipe>'): Recipe {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (cause) {
    throw new RecipeError(path, cause instanceof Error ? cause.message : String(cause), { cause });
  }
  const parsed = recipeSchema.safeParse(raw);
  if (!parsed.success) throw new RecipeError(path, z.prettifyError(parsed.error));
  return deepFreeze(parsed.data);
}

/** Loads a recipe by path, or by name from the project's `recipes/` folder ("accuracy" → recipes/accuracy.yaml). */
export async function loadRecipe(pathOrName: string): Promise<Recipe> {
  const byName = !/[/\\]|\.ya?ml$/.test(pathOrName);
  const path = byName ? projectPath('recipes', `${pathOrName}.yaml`) : pathOrName;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    if (byName && (cause as NodeJS.ErrnoException).code === 'ENOENT')
      throw new UnknownRecipeError(pathOrName, await knownRecipes());
    throw new RecipeError(path, `cannot read it (${cause instanceof Error ? cause.message : cause})`, {
      cause,
    });
  }
  const recipe = parseRecipe(text, path);
  if (basename(path).replace(/\.ya?ml$/, '') !== recipe.name)
    throw new RecipeError(path, `its name '${recipe.name}' differs from its file name`);
  return recipe;
}

/** The recipes the project ships, in the order reports show them. */
export const shippedRecipes = ['predecessor', 'accuracy', 'latency'] as const;

/** The names of the recipes in the project's `recipes/` folder, sorted. */
export async function knownRecipes(): Promise<string[]> {
  const files = await readdir(projectPath('recipes')).catch(() => []);
  return files
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => f.replace(/\.ya?ml$/, ''))
    .sort();
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
