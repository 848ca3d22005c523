export type {
  AdmissionTicket,
  Classifier,
  ClassifierInfo,
  ClassifyOptions,
  ClassScore,
  Prediction,
} from './classifier.js';
export { type CreateClassifierOptions, createClassifier, type LocalClassifier } from './create-classifier.js';
export {
  type BatchDecision,
  type BatcherOptions,
  DynamicBatcher,
  type NextOptions,
  type Queued,
} from './dynamic-batcher.js';
export {
  ClassifierClosedError,
  DeadlineExceededError,
  InferenceError,
  type InferenceErrorCode,
  inferenceErrorCodes,
  ModelLoadError,
  OipRequestError,
  OverloadedError,
  RemoteInferenceError,
  RequestAbortedError,
  TensorShapeError,
  WorkerCrashedError,
} from './errors.js';
export { InlineClassifier } from './inline-classifier.js';
export type { ModelSource } from './model-source.js';
export {
  decodeBytesElements,
  encodeBytesElements,
  encodeInferBody,
  float32Bytes,
  type InferInput,
  type InferOutput,
  type InferRequest,
  type InferResponse,
  inferInputSchema,
  inferRequestSchema,
  oipDatatypes,
  parseInferBody,
  readInputs,
  type TensorValue,
} from './oip-codec.js';
export type { PoolObserver, PoolOptions, PoolStats } from './pool-observer.js';
export { toPrediction, topCount } from './prediction.js';
export { createRemoteClassifier, type RemoteOptions } from './remote-classifier.js';
export {
  type ModelIo,
  type TensorIo,
  type TritonModelConfig,
  type TritonValue,
  tritonConfig,
  tritonEnumFields,
} from './triton-config.js';
export { WorkerPool } from './worker-pool.js';
