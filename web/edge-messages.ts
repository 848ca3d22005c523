/** Messages between the upload page and the classification worker: discriminated on `type`, plain data. */
import type { PreprocessSpec } from '../src/vision/centre-crop.js';

export interface EdgeModelInfo {
  readonly name: string;
  readonly version: number;
  readonly classes: readonly string[];
  readonly input: string;
  readonly preprocess: PreprocessSpec;
}

export interface EdgeManifest {
  readonly model: EdgeModelInfo;
  readonly files: readonly {
    role: 'model' | 'runtime' | 'wasm';
    url: string;
    bytes: number;
    sha256: string;
  }[];
}

export interface ClassScore {
  readonly category: string;
  readonly confidence: number;
}

export type ToEdgeWorker =
  | { readonly type: 'load'; readonly manifestUrl: string }
  | { readonly type: 'classify'; readonly id: number; readonly photo: Blob };

export type FromEdgeWorker =
  | {
      readonly type: 'ready';
      readonly model: string;
      readonly version: number;
      readonly loadMs: number;
      readonly downloadedBytes: number;
      readonly threads: number;
    }
  | { readonly type: 'unavailable'; readonly reason: string }
  | {
      readonly type: 'result';
      readonly id: number;
      readonly top: readonly ClassScore[];
      readonly probabilities: readonly number[];
      /** Decode + preprocess + inference, in the worker. */
      readonly elapsedMs: number;
      readonly inferMs: number;
    }
  | { readonly type: 'failed'; readonly id: number; readonly reason: string };
