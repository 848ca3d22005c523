export * from './errors.js';
export * from './model-steps.js';
export * from './run-study.js';
export * from './serving-steps.js';
export * from './study-result.js';
