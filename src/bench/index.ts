export type { BenchResult, ClosedLoopRun, OfflineFigures, SiegeRun } from './bench-result.js';
export { type CapacityFile, capacityFrom, sustainablePoint } from './capacity.js';
export { BenchError, benchErrorCodes } from './errors.js';
export {
  type FloorOptions,
  type FloorResult,
  type FloorStage,
  measureFloor,
  readFloor,
  shareOfFloor,
} from './floor.js';
export {
  generateLoad,
  type LatencySummary,
  type LoadItem,
  type LoadOptions,
  type LoadResult,
  summarise,
} from './load-generator.js';
export { measureOffline, type OfflineOptions } from './offline.js';
export { defaultLadder, isSaturated, type RateStep, rateLadder, sustainableThroughput } from './open-loop.js';
export {
  type PeerPoint,
  type PeerRace,
  type PeerRaceOptions,
  type PeerRatios,
  peerRatios,
  racePeers,
} from './peers.js';
export { type ResourceSample, startResourceSampler } from './resource-sampler.js';
export { type BenchOptions, benchRecipe } from './run-bench.js';
export {
  type BenchPhoto,
  loadTestPhotos,
  prepareServeRepository,
  type ServeProcess,
  startAfterColdStarts,
  startServeProcess,
} from './serve-process.js';
export { parseSiegeJson, runSiege, type SiegeSummary, siegeAvailable } from './siege.js';
export {
  checkGoals,
  formatSummary,
  type GoalCheck,
  type Summary,
  type SummaryRow,
  summariseResults,
} from './summary.js';
