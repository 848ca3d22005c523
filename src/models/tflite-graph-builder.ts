import { TfliteUnsupportedError } from './errors.js';
import {
  type AttributeValue,
  floatTensor,
  type NodeProto,
  node,
  onnx,
  type TensorProto,
} from './onnx-graph.js';
import type { TfliteModel, TfliteTensor } from './tflite-model.js';
import type { TfliteTensorType } from './tflite-schema.js';

const DataType = onnx.TensorProto.DataType;

const onnxTypes: Partial<Record<TfliteTensorType, { type: number; bytes: number }>> = {
  float32: { type: DataType.FLOAT, bytes: 4 },
  uint8: { type: DataType.UINT8, bytes: 1 },
  int8: { type: DataType.INT8, bytes: 1 },
  int32: { type: DataType.INT32, bytes: 4 },
  int64: { type: DataType.INT64, bytes: 8 },
};

/** NHWC → NCHW: where each TFLite axis of a 4-d activation lives in the converted graph. */
export const nhwcToNchwAxis = [0, 2, 3, 1] as const;

/**
 * The state of one conversion: the ONNX nodes and initializers emitted so far, the static NHWC shape of each
 * TFLite tensor at the model's declared input size, and the quantisation parameters as initializers.
 *
 * Every 4-d activation is held NCHW in the converted graph (its TFLite values, transposed); other ranks keep
 * their TFLite layout. Quantised activations stay quantised between operators, so each operator reads its
 * inputs through DequantizeLinear and writes through QuantizeLinear: the QDQ form ONNX Runtime fuses into its
 * QLinear kernels. A float TFLite tensor simply skips both.
 */
export class TfliteGraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private readonly shapes = new Map<number, readonly number[]>();
  private readonly names: readonly string[];
  private readonly done = new Set<string>();
  private counter = 0;

  /** `reserved`: names the converted graph uses for itself (its input and outputs). */
  constructor(
    readonly model: TfliteModel,
    reserved: readonly string[] = [],
  ) {
    const seen = new Map<string, number>(reserved.map((r) => [r, 1]));
    for (const t of model.tensors) seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
    this.names = model.tensors.map((t) =>
      t.name && seen.get(t.name) === 1 ? t.name : `${t.name || 'tensor'}#${t.index}`,
    );
  }

  tensor(index: number): TfliteTensor {
    const t = this.model.tensors[index];
    if (!t) throw new Error(`bug: tensor ${index} does not exist`);
    return t;
  }

  /** The ONNX name of a TFLite tensor (its TFLite name when that is unique). */
  name(index: number): string {
    return this.names[index] ?? `tensor#${index}`;
  }

  /** A fresh name for an intermediate the TFLite graph does not have. */
  fresh(hint: string): string {
    return `${hint}__${this.counter++}`;
  }

  shape(index: number): readonly number[] {
    const shape = this.shapes.get(index) ?? (this.tensor(index).data ? this.tensor(index).shape : undefined);
    if (!shape) throw new Error(`bug: shape of tensor ${this.name(index)} is not known yet`);
    return shape;
  }

  setShape(index: number, shape: readonly number[]): void {
    const declared = this.tensor(index).shape;
    // Files from the MLIR converter leave activation shapes empty; where one is declared it must agree.
    if (declared.length > 0 && declared.join() !== shape.join())
      throw new TfliteUnsupportedError(
        [this.name(index)],
        `inferred shape [${shape}] differs from the declared [${declared}]`,
      );
    this.shapes.set(index, shape);
  }

  emit(opType: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}): string {
    const output = this.fresh(opType);
    this.nodes.push(node(opType, inputs, [output], attributes));
    return output;
  }

  emitTo(
    opType: string,
    inputs: readonly string[],
    output: string,
    attributes: Record<string, AttributeValue> = {},
  ): void {
    this.nodes.push(node(opType, inputs, [output], attributes));
  }

  floatConstant(hint: string, dims: readonly number[], values: readonly number[] | Float32Array): string {
    const name = this.fresh(hint);
    this.initializers.push(floatTensor(name, dims, values));
    return name;
  }

  int64Constant(hint: string, values: readonly number[]): string {
    const name = this.fresh(hint);
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    this.initializers.push({
      name,
      dims: [values.length],
      dataType: DataType.INT64,
      rawData: new Uint8Array(data.buffer),
    });
    return name;
  }

  /** A TFLite constant as an initializer, its data permuted by `perm` (axes of the TFLite shape). */
  constantTensor(index: number, perm?: readonly number[]): string {
    const t = this.tensor(index);
    const kind = onnxTypes[t.type];
    if (!t.data || !kind) throw new TfliteUnsupportedError([`${t.type} constant ${this.name(index)}`]);
    const name = this.name(index);
    if (this.done.has(name)) return name;
    this.done.add(name);
    const { data, shape } = perm
      ? permute(t.data, kind.bytes, t.shape, perm)
      : { data: t.data, shape: t.shape };
    this.initializers.push({ name, dims: [...shape], dataType: kind.type, rawData: data.slice() });
    return name;
  }

  /**
   * The scale and zero-point initializers of a quantised tensor (created once). Per-channel parameters are
   * 1-d; per-tensor ones are scalars, the form ONNX Runtime's QDQ fusions look for.
   */
  quantParams(index: number): { scale: string; zeroPoint: string; axis: number; perChannel: boolean } {
    const t = this.tensor(index);
    const q = t.quantization;
    const kind = onnxTypes[t.type];
    if (!q || !kind) throw new Error(`bug: ${this.name(index)} is not quantised`);
    const scale = `${this.name(index)}_scale`;
    const zeroPoint = `${this.name(index)}_zero_point`;
    const perChannel = q.scale.length > 1;
    if (!this.done.has(scale)) {
      this.done.add(scale);
      const dims = perChannel ? [q.scale.length] : [];
      this.initializers.push(floatTensor(scale, dims, q.scale));
      this.initializers.push(zeroPointTensor(zeroPoint, dims, kind.type, q.zeroPoint));
    }
    return { scale, zeroPoint, axis: q.axis, perChannel };
  }

  /**
   * Reads a tensor as float: through DequantizeLinear when it is quantised. A constant may be permuted on the
   * way (`perm`, TFLite axes), which moves its per-channel quantisation axis with it.
   */
  float(index: number, perm?: readonly number[]): string {
    const t = this.tensor(index);
    const source = t.data ? this.constantTensor(index, perm) : this.name(index);
    if (!t.quantization) return source;
    const { scale, zeroPoint, axis, perChannel } = this.quantParams(index);
    const onnxAxis = perm ? perm.indexOf(axis) : axis;
    return this.emit('DequantizeLinear', [source, scale, zeroPoint], perChannel ? { axis: onnxAxis } : {});
  }

  /** Writes a float value into a TFLite tensor: through QuantizeLinear when that tensor is quantised. */
  store(index: number, value: string): void {
    const t = this.tensor(index);
    if (!t.quantization) {
      this.emitTo('Identity', [value], this.name(index));
      return;
    }
    const { scale, zeroPoint, perChannel } = this.quantParams(index);
    if (perChannel) throw new TfliteUnsupportedError([`per-channel activation ${this.name(index)}`]);
    this.emitTo('QuantizeLinear', [value, scale, zeroPoint], this.name(index));
  }
}

function zeroPointTensor(name: string, dims: number[], type: number, values: readonly number[]): TensorProto {
  if (type === DataType.UINT8) return { name, dims, dataType: type, rawData: Uint8Array.from(values) };
  if (type === DataType.INT8)
    return { name, dims, dataType: type, rawData: new Uint8Array(Int8Array.from(values).buffer) };
  if (type === DataType.INT32)
    return { name, dims, dataType: type, rawData: new Uint8Array(Int32Array.from(values).buffer) };
  throw new TfliteUnsupportedError([`quantised tensor ${name} of ONNX type ${type}`]);
}

/** Transposes row-major data of `elementBytes`-sized elements. */
export function permute(
  data: Uint8Array,
  elementBytes: number,
  shape: readonly number[],
  perm: readonly number[],
): { data: Uint8Array; shape: number[] } {
  const outShape = perm.map((p) => shape[p]!);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count * elementBytes)
    throw new TfliteUnsupportedError([`constant of ${data.length} bytes for shape [${shape}]`]);
  const out = new Uint8Array(data.length);
  const index = new Array<number>(outShape.length).fill(0);
  for (let o = 0; o < count; o++) {
    let source = 0;
    for (let d = 0; d < index.length; d++) source += index[d]! * strides[perm[d]!]!;
    out.set(data.subarray(source * elementBytes, (source + 1) * elementBytes), o * elementBytes);
    for (let d = index.length - 1; d >= 0; d--) {
      index[d]!++;
      if (index[d]! < outShape[d]!) break;
      index[d] = 0;
    }
  }
  return { data: out, shape: outShape };
}
