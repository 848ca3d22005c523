export * from './build-server.js';
export * from './errors.js';
export * from './metrics.js';
export * from './model-manager.js';
export * from './model-repository.js';
export * from './oip-routes.js';
export * from './start-server.js';
