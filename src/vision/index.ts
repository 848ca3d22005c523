export * from './augment.js';
export * from './centre-crop.js';
export * from './edge-input.js';
export * from './errors.js';
export * from './image-format.js';
export * from './image-header.js';
export * from './preprocess.js';
export * from './resample.js';
