export * from './augment.js';
export * from './errors.js';
export * from './image-format.js';
export * from './image-header.js';
export * from './preprocess.js';
export * from './random.js';
