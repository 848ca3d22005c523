import { codedErrorBase, type ErrorCatalogue } from '../core/index.js';

/** Codes of the model store and model building. */
export const modelErrorCodes = {
  GG_ERR_BACKBONE_HASH: { status: 500, summary: 'a backbone file whose SHA-256 is not the pinned one' },
  GG_ERR_BACKBONE_UNAVAILABLE: { status: 503, summary: 'no mirror, no cache, and the download failed' },
  GG_ERR_MODEL_CONFIG: { status: 500, summary: 'a backbone description or head card that fails its schema' },
  GG_ERR_MODEL_GRAPH: { status: 500, summary: 'an ONNX graph without the inputs, outputs or types we edit' },
  GG_ERR_TFLITE_CORRUPT: {
    status: 400,
    summary: 'a .tflite file that is not a well-formed TensorFlow Lite FlatBuffer',
  },
  GG_ERR_TFLITE_UNSUPPORTED: {
    status: 400,
    summary: 'a TensorFlow Lite model with operators the converter does not translate',
  },
} as const satisfies ErrorCatalogue;

/** Errors of the model store and model building. Each has a code of `modelErrorCodes`. */
export class ModelError extends codedErrorBase(modelErrorCodes) {}

/** A backbone file whose bytes do not match the SHA-256 its description pins. */
export class BackboneIntegrityError extends ModelError {
  constructor(path: string, expected: string, actual: string, bytes: number, expectedBytes: number) {
    super(
      'GG_ERR_BACKBONE_HASH',
      `${path} has SHA-256 ${actual} (${bytes} bytes) but ${expected} (${expectedBytes} bytes) is required; ` +
        'delete it and fetch the file again from its upstream URL',
    );
  }
}

/** No mirror, no cache and the download failed. */
export class BackboneUnavailableError extends ModelError {
  constructor(name: string, url: string, file: string, cause: unknown) {
    super(
      'GG_ERR_BACKBONE_UNAVAILABLE',
      `backbone ${name} is not in the mirror or the cache, and downloading ${url} failed ` +
        `(${cause instanceof Error ? cause.message : String(cause)}). On a machine without internet, put ${file} ` +
        'in a folder and set GOURMETGRAM_MODEL_MIRROR to it.',
      { cause },
    );
  }
}

/** A data file (backbone description, head card) that does not pass its schema. */
export class ModelConfigError extends ModelError {
  constructor(path: string, details: string) {
    super('GG_ERR_MODEL_CONFIG', `${path} is not a valid model description: ${details}`);
  }
}

/** A `.tflite` file that is not a well-formed TensorFlow Lite FlatBuffer (truncated, corrupt, not TFLite). */
export class TfliteFormatError extends ModelError {
  constructor(details: string) {
    super('GG_ERR_TFLITE_CORRUPT', `not a readable TensorFlow Lite model: ${details}`);
  }
}

/** A TensorFlow Lite model holding operators (or tensor types) the converter does not translate to ONNX. */
export class TfliteUnsupportedError extends ModelError {
  readonly operators: readonly string[];
  constructor(operators: readonly string[], details = '') {
    super(
      'GG_ERR_TFLITE_UNSUPPORTED',
      `the TensorFlow Lite model uses operators the ONNX converter does not support: ${operators.join(', ')}` +
        (details ? ` (${details})` : ''),
    );
    this.operators = operators;
  }
}

/** An ONNX graph that lacks what we edit or run (an input, an output, a tensor type we handle). */
export class ModelGraphError extends ModelError {
  constructor(message: string) {
    super('GG_ERR_MODEL_GRAPH', message);
  }
}
