export {
  type AppManifestOptions,
  type AppManifests,
  appImage,
  appSecret,
  renderAppManifests,
} from './app-manifests.js';
export {
  type CapacityFigures,
  capacityFiguresSchema,
  type FigureOverrides,
  loadCapacityFigures,
} from './capacity-figures.js';
export {
  type Autoscaler,
  type Load,
  type MinuteSample,
  type Policy,
  type PolicyOutcome,
  peakReplicas,
  type ReplicaModel,
  replicaCost,
  simulatePolicy,
} from './cost-model.js';
export { type CostReport, compareCosts, costAssumptions, costChartSvg, type Prices } from './cost-report.js';
export {
  DeployError,
  deployErrorCodes,
  MissingFiguresError,
  PbtxtSyntaxError,
  RecipeSectionMissingError,
  TraceError,
  TritonConfigMismatchError,
} from './errors.js';
export {
  type InferenceService,
  type KServeOptions,
  renderKServe,
  type ServingRuntime,
} from './kserve-manifests.js';
export {
  appName,
  cpuCores,
  hpaBehavior,
  type KubernetesManifests,
  type KubernetesOptions,
  memoryGiB,
  renderKubernetes,
} from './kubernetes-manifests.js';
export {
  type DailyTraceOptions,
  dailyTrace,
  type LoadSeries,
  type LoadTrace,
  loadTraceSchema,
  readLoadTrace,
  traceSeries,
} from './load-trace.js';
export { formatPbtxt, PbEnum, type PbMessage, type PbObject, type PbScalar, parsePbtxt } from './pbtxt.js';
export {
  type DeployOptions,
  type DeployTarget,
  deployTargets,
  type Manifest,
  manifestYaml,
  renderManifests,
  renderTarget,
} from './render.js';
export { metricGauges, type ScalingPolicy, scalingPolicyOf } from './scaling-policy.js';
export {
  type ContainerOptions,
  image,
  serverContainer,
  serverVolumes,
  terminationGraceSeconds,
} from './server-container.js';
export { checkTritonConfig, readModelIo } from './triton-config.js';
export { type TritonRepository, writeTritonRepository } from './triton-repository.js';
