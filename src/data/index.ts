export * from './checks/index.js';
export * from './csv.js';
export * from './dataset.js';
export * from './errors.js';
export * from './food11.js';
