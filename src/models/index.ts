export {
  type BackboneUse,
  type BranchFront,
  branchFront,
  branchModelKey,
  buildBranchModel,
} from './backbone-branch.js';
export {
  type BackboneGraph,
  loadBackboneGraph,
  resolveClassifierModel,
  resolveEmbeddingModel,
} from './backbone-graph.js';
export {
  type BackboneSpec,
  backboneFormat,
  backboneSpecSchema,
  loadBackboneSpec,
  preprocessFor,
} from './backbone-spec.js';
export {
  type BackboneStoreOptions,
  type ResolvedBackbone,
  resolveBackbone,
  verifyFile,
} from './backbone-store.js';
export { calibrate, calibrationEpsilon, fitTemperature } from './calibration.js';
export { buildCompositeEmbeddingModel, embeddingWidthOf, modelInputFor } from './composite-model.js';
export { dequantizeModel } from './dequantize.js';
export { EmbeddingCache } from './embedding-cache.js';
export {
  buildClassifierModel,
  buildEmbeddingModel,
  type EmbeddingModelOptions,
  tensorNames,
} from './embedding-model.js';
export {
  BackboneIntegrityError,
  BackboneUnavailableError,
  ModelConfigError,
  ModelError,
  ModelGraphError,
  modelErrorCodes,
  TfliteFormatError,
  TfliteUnsupportedError,
} from './errors.js';
export {
  type ExtractOptions,
  type ExtractResult,
  extractEmbeddings,
  extractWithModel,
} from './extract-embeddings.js';
export { buildHeadModel, type DenseLayer, type HeadWeights } from './head-model.js';
export { type HeadCard, headCardSchema, headDir, loadHead, type StoredHead, saveHead } from './head-store.js';
export { type IntegerBank, quantiseBankRows, withIntegerMemorySearch } from './memory-search.js';
export {
  blend,
  cosineSimilarities,
  memoryBankUnit,
  memoryProbabilities,
  type NeighbourMemory,
  quantiseBank,
  unitRows,
} from './neighbour-memory.js';
export {
  type AttributeValue,
  appendGraph,
  countParameters,
  decodeModel,
  encodeModel,
  floatTensor,
  type GraphProto,
  graphOf,
  int64Tensor,
  type ModelProto,
  makeSpatialDimsSymbolic,
  type NodeProto,
  newModel,
  node,
  onnx,
  scalarInt64,
  setOutputsAndPrune,
  type TensorProto,
  valueInfo,
} from './onnx-graph.js';
export {
  createOnnxSession,
  defaultSessionOptions,
  type GraphOptimizationLevel,
  type OnnxSession,
  type SessionOptions,
} from './onnx-runtime.js';
export { defaultOpset, upgradeOpset } from './opset-upgrade.js';
export { type PackageOptions, packageModel } from './package-model.js';
export {
  loadBackboneUses,
  type ModelStoreOptions,
  type PackagedModel,
  preparePackagedModel,
  readBackboneFiles,
} from './packaged-model.js';
export {
  readActivation,
  readPadding,
  readTfliteModel,
  type TfliteModel,
  type TfliteOperator,
  type TfliteQuantization,
  type TfliteTensor,
} from './tflite-model.js';
export { convertedInputName, convertTfliteToOnnx, tfliteConverterVersion } from './tflite-to-onnx.js';
export {
  defaultHyperParameters,
  featureStatistics,
  foldStandardisation,
  type HeadHyperParameters,
  headLearningRate,
  predictHead,
  type TrainingSet,
  trainHead,
} from './train-head.js';
