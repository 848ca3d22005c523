export * from './coded-error.js';
