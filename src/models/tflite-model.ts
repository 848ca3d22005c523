import { TfliteFormatError } from './errors.js';
import { FlatTable } from './tflite-flatbuffer.js';
import {
  type Activation,
  activations,
  builtinCode,
  tfliteFields as F,
  operatorName,
  type Padding,
  paddings,
  type TfliteTensorType,
  tensorTypes,
} from './tflite-schema.js';

/** Affine quantisation: real = scale × (q − zeroPoint), per tensor (one value) or along `axis`. */
export interface TfliteQuantization {
  readonly scale: Float32Array;
  readonly zeroPoint: readonly number[];
  readonly axis: number;
}

export interface TfliteTensor {
  readonly index: number;
  readonly name: string;
  readonly shape: readonly number[];
  readonly type: TfliteTensorType;
  /** Constant data (weights, biases, shapes), or null for activations. */
  readonly data: Uint8Array | null;
  readonly quantization: TfliteQuantization | null;
}

export interface TfliteOperator {
  /** The builtin operator's schema name (CONV_2D…), or CUSTOM:<name>. */
  readonly op: string;
  readonly version: number;
  /** Tensor indices; -1 marks an omitted optional input. */
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  /** The builtin options table, read by the converter with the field ids of that operator's options. */
  readonly options: FlatTable | null;
}

export interface TfliteModel {
  readonly version: number;
  readonly description: string;
  readonly tensors: readonly TfliteTensor[];
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  readonly operators: readonly TfliteOperator[];
}

/**
 * Reads a TensorFlow Lite FlatBuffer into plain objects (the first subgraph: the model; others are only
 * called by control-flow operators, which the converter does not support). Throws {@link TfliteFormatError}
 * for anything that is not a whole, well-formed file.
 */
export function readTfliteModel(bytes: Uint8Array): TfliteModel {
  const root = FlatTable.root(bytes, 'TFL3');
  const version = root.uint32(F.model.version);
  if (version !== 3) throw new TfliteFormatError(`schema version ${version}, expected 3`);
  const codes = root.tables(F.model.operatorCodes).map((code) => {
    const custom = code.string(F.operatorCode.customCode);
    const builtin = builtinCode(
      code.int8(F.operatorCode.deprecatedBuiltinCode),
      code.int32(F.operatorCode.builtinCode),
    );
    return {
      op: operatorName(builtin) === 'CUSTOM' ? `CUSTOM:${custom}` : operatorName(builtin),
      version: code.int32(F.operatorCode.version, 1),
    };
  });
  const buffers = root.tables(F.model.buffers);
  const [subgraph] = root.tables(F.model.subgraphs);
  if (!subgraph) throw new TfliteFormatError('no subgraph');

  const tensors = subgraph.tables(F.subgraph.tensors).map((t, index): TfliteTensor => {
    const typeCode = t.int8(F.tensor.type);
    const type = tensorTypes[typeCode];
    if (!type) throw new TfliteFormatError(`tensor ${index} has unknown type ${typeCode}`);
    const bufferIndex = t.uint32(F.tensor.buffer);
    const buffer = buffers[bufferIndex];
    if (bufferIndex !== 0 && !buffer)
      throw new TfliteFormatError(`tensor ${index} refers to missing buffer ${bufferIndex}`);
    const data = buffer ? bufferData(buffer) : null;
    return {
      index,
      name: t.string(F.tensor.name),
      shape: t.int32s(F.tensor.shape),
      type,
      data: data && data.length > 0 ? data : null,
      quantization: readQuantization(t.table(F.tensor.quantization)),
    };
  });
  const checkIndex = (i: number) => {
    if (i < -1 || i >= tensors.length) throw new TfliteFormatError(`tensor index ${i} out of range`);
    return i;
  };
  const operators = subgraph.tables(F.subgraph.operators).map((o): TfliteOperator => {
    const code = codes[o.uint32(F.operator.opcodeIndex)];
    if (!code)
      throw new TfliteFormatError(`operator refers to missing opcode ${o.uint32(F.operator.opcodeIndex)}`);
    return {
      ...code,
      inputs: o.int32s(F.operator.inputs).map(checkIndex),
      outputs: o.int32s(F.operator.outputs).map(checkIndex),
      options: o.table(F.operator.builtinOptions),
    };
  });
  return {
    version,
    description: root.string(F.model.description),
    tensors,
    inputs: subgraph.int32s(F.subgraph.inputs).map(checkIndex),
    outputs: subgraph.int32s(F.subgraph.outputs).map(checkIndex),
    operators,
  };
}

/** A buffer's bytes: inline, or (models over 2 GB) at an offset from the start of the file. */
function bufferData(buffer: FlatTable): Uint8Array {
  const inline = buffer.bytes(F.buffer.data);
  if (inline.length > 0) return inline;
  const offset = Number(buffer.uint64(F.buffer.offset));
  const size = Number(buffer.uint64(F.buffer.size));
  if (offset <= 1) return inline;
  const whole = buffer.whole();
  if (offset + size > whole.length)
    throw new TfliteFormatError(
      `buffer at byte ${offset} (+${size}) lies outside the ${whole.length}-byte file`,
    );
  return whole.subarray(offset, offset + size);
}

function readQuantization(q: FlatTable | null): TfliteQuantization | null {
  if (!q) return null;
  const scale = q.float32s(F.quantization.scale);
  if (scale.length === 0) return null;
  const zeroPoint = q.int64s(F.quantization.zeroPoint);
  if (zeroPoint.length !== scale.length)
    throw new TfliteFormatError(`${scale.length} scales but ${zeroPoint.length} zero points`);
  return { scale, zeroPoint, axis: q.int32(F.quantization.quantizedDimension) };
}

/** Reads an options enum field, rejecting values the schema does not define. */
export function readPadding(options: FlatTable | null, id: number): Padding {
  return enumValue(paddings, options?.int8(id) ?? 0, 'padding');
}

export function readActivation(options: FlatTable | null, id: number): Activation {
  return enumValue(activations, options?.int8(id) ?? 0, 'fused activation');
}

function enumValue<T>(values: readonly T[], code: number, what: string): T {
  const value = values[code];
  if (value === undefined) throw new TfliteFormatError(`unknown ${what} ${code}`);
  return value;
}
