export * from './distribution.js';
export * from './duplicates.js';
export * from './embed-files.js';
export * from './image-facts.js';
export * from './label-errors.js';
export * from './perceptual-hash.js';
export * from './run-data-check.js';
export * from './source-probe.js';
