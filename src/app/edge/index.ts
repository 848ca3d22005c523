export { type EdgeAssets, type EdgeManifest, loadEdgeAssets } from './edge-assets.js';
export { edgeRoutes, logEdgeGuess } from './edge-routes.js';
export { webBuildDir, webModuleRoutes } from './web-modules.js';
