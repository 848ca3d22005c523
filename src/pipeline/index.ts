export * from './evaluate.js';
export * from './fit-head.js';
export * from './head-card.js';
export * from './model-card.js';
export * from './recipe-embeddings.js';
export * from './train.js';
export * from './training-set.js';
