export * from './behaviour.js';
export * from './error-analysis.js';
export * from './error-analysis-run.js';
export * from './intervals.js';
export * from './metrics.js';
