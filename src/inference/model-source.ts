import type { PreprocessSpec } from '../vision/index.js';

/**
 * What a classifier needs to know about a model: an ONNX file with input `image` [N,3,S,S] and outputs
 * `probabilities` [N,classes] and (optionally) `embedding` [N,width]. A packaged model satisfies it, and so
 * does a version folder of a model repository.
 */
export interface ModelSource {
  readonly name: string;
  readonly version: number;
  readonly path: string;
  readonly classes: readonly string[];
  readonly preprocess: PreprocessSpec;
}
