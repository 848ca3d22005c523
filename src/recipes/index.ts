export * from './errors.js';
export * from './load-recipe.js';
export * from './project-paths.js';
export * from './recipe-schema.js';
