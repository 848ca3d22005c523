export { buildServer, type InferenceServer, type ServerOptions } from './build-server.js';
export { ListenError, ModelNotFoundError, RepositoryError, ServerError, serverErrorCodes } from './errors.js';
export { createMetrics, type ServerMetrics } from './metrics.js';
export { ModelManager, type ModelManagerOptions } from './model-manager.js';
export { listVersions, publishVersion, readVersion, versionDescriptionSchema } from './model-repository.js';
export { oipRoutes, photoInput, tensorInput } from './oip-routes.js';
export { type RunningServer, type StartOptions, startServer } from './start-server.js';
