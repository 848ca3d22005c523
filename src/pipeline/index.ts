export * from './evaluate.js';
export * from './model-card.js';
export * from './train.js';
export * from './training-set.js';
