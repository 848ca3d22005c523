/** Errors of the model store and model building. Each has a stable `code`. */
export class ModelError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

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
