export * from './errors.js';
export * from './load-recipe.js';
export * from './recipe-schema.js';
