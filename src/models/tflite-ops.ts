import { TfliteUnsupportedError } from './errors.js';
import { nhwcToNchwAxis, type TfliteGraphBuilder } from './tflite-graph-builder.js';
import { readActivation, readPadding, type TfliteOperator } from './tflite-model.js';
import { type Activation, tfliteFields as F, type Padding } from './tflite-schema.js';

/** Emits the ONNX nodes of one TFLite operator and records the static shapes of its outputs. */
export type OperatorConverter = (b: TfliteGraphBuilder, op: TfliteOperator) => void;

/** TFLite filters are [out, h, w, in] (depthwise: [1, h, w, channels]); ONNX wants [out, in/group, h, w]. */
const filterToOihw = [0, 3, 1, 2];
const depthwiseToOihw = [3, 0, 1, 2];

const conv2d: OperatorConverter = (b, op) => {
  const o = F.conv2d;
  const [input, filter, bias] = op.inputs as [number, number, number?];
  const [n, h, w] = b.shape(input) as [number, number, number, number];
  const [outChannels, kh, kw, inChannels] = b.shape(filter) as [number, number, number, number];
  if (inChannels !== b.shape(input)[3])
    throw new TfliteUnsupportedError([
      `CONV_2D with ${inChannels}-channel filter on a ${b.shape(input)[3]}-channel input`,
    ]);
  const geometry = windowGeometry(op, o, [kh, kw], [h, w]);
  const inputs = [b.float(input), b.float(filter, filterToOihw)];
  if (bias !== undefined && bias >= 0) inputs.push(b.float(bias));
  const conv = b.emit('Conv', inputs, { ...geometry.attributes, group: 1 });
  b.setShape(op.outputs[0]!, [n, ...geometry.out, outChannels]);
  b.store(op.outputs[0]!, activate(b, conv, readActivation(op.options, o.activation), op.outputs[0]!));
};

const depthwiseConv2d: OperatorConverter = (b, op) => {
  const o = F.depthwiseConv2d;
  const [input, filter, bias] = op.inputs as [number, number, number?];
  const [n, h, w, channels] = b.shape(input) as [number, number, number, number];
  const [, kh, kw, outChannels] = b.shape(filter) as [number, number, number, number];
  // TFLite's kernel derives the multiplier from the shapes; the options field is not always filled in.
  if (outChannels % channels !== 0)
    throw new TfliteUnsupportedError([`DEPTHWISE_CONV_2D from ${channels} to ${outChannels} channels`]);
  const geometry = windowGeometry(op, o, [kh, kw], [h, w]);
  const inputs = [b.float(input), b.float(filter, depthwiseToOihw)];
  if (bias !== undefined && bias >= 0) inputs.push(b.float(bias));
  const conv = b.emit('Conv', inputs, { ...geometry.attributes, group: channels });
  b.setShape(op.outputs[0]!, [n, ...geometry.out, outChannels]);
  b.store(op.outputs[0]!, activate(b, conv, readActivation(op.options, o.activation), op.outputs[0]!));
};

const averagePool2d: OperatorConverter = (b, op) => {
  const o = F.pool2d;
  const input = op.inputs[0]!;
  const [n, h, w, channels] = b.shape(input) as [number, number, number, number];
  const kernel: [number, number] = [
    op.options?.int32(o.filterHeight) ?? 1,
    op.options?.int32(o.filterWidth) ?? 1,
  ];
  const geometry = windowGeometry(op, o, kernel, [h, w]);
  // A window over the whole feature map is the classifier's pooling; as GlobalAveragePool the graph stays
  // fully convolutional and accepts other input sizes (at the declared size both give the same values).
  const global = kernel[0] === h && kernel[1] === w && geometry.out[0] === 1 && geometry.out[1] === 1;
  const pooled = global
    ? b.emit('GlobalAveragePool', [b.float(input)])
    : b.emit('AveragePool', [b.float(input)], {
        ...geometry.attributes,
        kernel_shape: kernel,
        // TFLite divides by the number of input pixels under the window, padding excluded.
        count_include_pad: 0,
      });
  b.setShape(op.outputs[0]!, [n, ...geometry.out, channels]);
  b.store(op.outputs[0]!, activate(b, pooled, readActivation(op.options, o.activation), op.outputs[0]!));
};

const add: OperatorConverter = (b, op) => {
  const [x, y] = op.inputs as [number, number];
  const [sx, sy] = [b.shape(x), b.shape(y)];
  if (sx.join() !== sy.join()) throw new TfliteUnsupportedError(['ADD'], `broadcasting [${sx}] with [${sy}]`);
  const sum = b.emit('Add', [b.float(x), b.float(y)]);
  b.setShape(op.outputs[0]!, sx);
  b.store(op.outputs[0]!, activate(b, sum, readActivation(op.options, F.add.activation), op.outputs[0]!));
};

/** Quantised tensors pass through shape operators untouched: TFLite requires equal in and out parameters. */
const squeeze: OperatorConverter = (b, op) => {
  const input = op.inputs[0]!;
  const shape = b.shape(input);
  const listed = (op.options?.int32s(F.squeeze.squeezeDims) ?? []).map((d) => (d < 0 ? d + shape.length : d));
  // With no axes listed TFLite drops every size-1 axis; the batch axis is kept so that batches work.
  const axes =
    listed.length > 0 ? listed : shape.map((d, i) => (d === 1 && i > 0 ? i : -1)).filter((i) => i >= 0);
  if (axes.some((a) => shape[a] !== 1 || a === 0))
    throw new TfliteUnsupportedError(['SQUEEZE'], `axes [${axes}] of shape [${shape}]`);
  const onnxAxes = shape.length === 4 ? axes.map((a) => nhwcToNchwAxis[a]!) : axes;
  const out = op.outputs[0]!;
  b.setShape(
    out,
    shape.filter((_, i) => !axes.includes(i)),
  );
  b.emitTo('Squeeze', [b.name(input), b.int64Constant('squeeze_axes', onnxAxes)], b.name(out));
  sameQuantization(b, op);
};

const reshape: OperatorConverter = (b, op) => {
  const input = op.inputs[0]!;
  const shape = b.shape(input);
  const shapeTensor = op.inputs[1] !== undefined && op.inputs[1] >= 0 ? b.tensor(op.inputs[1]) : undefined;
  const requested = shapeTensor?.data
    ? Array.from({ length: shapeTensor.data.length / 4 }, (_, i) =>
        new DataView(shapeTensor.data!.buffer, shapeTensor.data!.byteOffset).getInt32(4 * i, true),
      )
    : (op.options?.int32s(F.reshape.newShape) ?? []);
  const count = shape.reduce((a, c) => a * c, 1);
  const known = requested.reduce((a, c) => (c === -1 ? a : a * c), 1);
  const target = requested.map((d) => (d === -1 ? count / known : d));
  if (target.reduce((a, c) => a * c, 1) !== count || target[0] !== shape[0])
    throw new TfliteUnsupportedError(
      ['RESHAPE'],
      `[${shape}] to [${requested}] does not keep the batch axis`,
    );
  // A 4-d tensor is held NCHW; its element order equals NHWC's only when height and width are 1.
  let source = b.name(input);
  if (shape.length === 4 && (shape[1] !== 1 || shape[2] !== 1))
    source = b.emit('Transpose', [source], { perm: [0, 2, 3, 1] });
  const out = op.outputs[0]!;
  b.setShape(out, target);
  // Batch 0 copies the input's batch size, so the converted graph takes any batch.
  const reshaped =
    target.length === 4
      ? b.emit('Reshape', [source, b.int64Constant('reshape_shape', [0, ...target.slice(1)])])
      : undefined;
  if (reshaped) b.emitTo('Transpose', [reshaped], b.name(out), { perm: [0, 3, 1, 2] });
  else b.emitTo('Reshape', [source, b.int64Constant('reshape_shape', [0, ...target.slice(1)])], b.name(out));
  sameQuantization(b, op);
};

const softmax: OperatorConverter = (b, op) => {
  const input = op.inputs[0]!;
  const shape = b.shape(input);
  const beta = op.options?.float32(F.softmax.beta, 1) ?? 1;
  let logits = b.float(input);
  if (beta !== 1) logits = b.emit('Mul', [logits, b.floatConstant('softmax_beta', [], [beta])]);
  b.setShape(op.outputs[0]!, shape);
  // TFLite normalises over the last axis, which for a 4-d tensor held NCHW is the channel axis.
  b.store(op.outputs[0]!, b.emit('Softmax', [logits], { axis: shape.length === 4 ? 1 : -1 }));
};

/** The operators the converter translates, by TFLite name. */
export const operatorConverters: Readonly<Record<string, OperatorConverter>> = Object.freeze({
  CONV_2D: conv2d,
  DEPTHWISE_CONV_2D: depthwiseConv2d,
  AVERAGE_POOL_2D: averagePool2d,
  ADD: add,
  SQUEEZE: squeeze,
  RESHAPE: reshape,
  SOFTMAX: softmax,
});

function sameQuantization(b: TfliteGraphBuilder, op: TfliteOperator): void {
  const [from, to] = [b.tensor(op.inputs[0]!).quantization, b.tensor(op.outputs[0]!).quantization];
  const same = from?.scale.join() === to?.scale.join() && from?.zeroPoint.join() === to?.zeroPoint.join();
  if (!same) throw new TfliteUnsupportedError([op.op], 'input and output quantisation differ');
  // The output's own scale and zero point, so a description can name this tensor as its embedding.
  if (to) b.quantParams(op.outputs[0]!);
}

/**
 * Output size and ONNX attributes of a sliding window. SAME in TFLite pads (out − 1)·stride + extent − in in
 * total with the odd pixel at the end (bottom/right): that is ONNX's SAME_UPPER, which also recomputes the
 * pads for each input size, as TFLite would.
 */
function windowGeometry(
  op: TfliteOperator,
  fields: { padding: number; strideW: number; strideH: number; dilationW?: number; dilationH?: number },
  kernel: [number, number],
  size: [number, number],
): { out: [number, number]; attributes: Record<string, number[] | string> } {
  const padding: Padding = readPadding(op.options, fields.padding);
  const strides = [op.options?.int32(fields.strideH) ?? 1, op.options?.int32(fields.strideW) ?? 1];
  const dilations = [
    fields.dilationH === undefined ? 1 : (op.options?.int32(fields.dilationH, 1) ?? 1),
    fields.dilationW === undefined ? 1 : (op.options?.int32(fields.dilationW, 1) ?? 1),
  ];
  const out = size.map((s, i) => {
    const extent = (kernel[i]! - 1) * dilations[i]! + 1;
    return padding === 'SAME' ? Math.ceil(s / strides[i]!) : Math.floor((s - extent) / strides[i]!) + 1;
  }) as [number, number];
  if (out.some((d) => d < 1)) throw new TfliteUnsupportedError([op.op], `window larger than its input`);
  const attributes: Record<string, number[] | string> = {
    strides,
    auto_pad: padding === 'SAME' ? 'SAME_UPPER' : 'VALID',
  };
  if (fields.dilationH !== undefined) attributes.dilations = dilations;
  return { out, attributes };
}

/**
 * A fused activation. TFLite applies it as a clamp of the quantised output; when that clamp is the full
 * uint8 range anyway (ReLU6 with an output range of exactly [0, 6], as quantisation-aware training leaves
 * it), no node is needed, and ONNX Runtime can fuse DQ → Conv → Q into one QLinearConv.
 */
function activate(b: TfliteGraphBuilder, value: string, activation: Activation, output: number): string {
  const bounds: Partial<Record<Activation, [number, number]>> = {
    NONE: [-Infinity, Infinity],
    RELU: [0, Infinity],
    RELU6: [0, 6],
    RELU_N1_TO_1: [-1, 1],
  };
  const range = bounds[activation];
  if (!range) throw new TfliteUnsupportedError([`fused activation ${activation}`]);
  const q = b.tensor(output).quantization;
  if (q && q.scale.length === 1) {
    const [lo, hi] = b.tensor(output).type === 'int8' ? [-128, 127] : [0, 255];
    const quantise = (x: number) => q.zeroPoint[0]! + roundHalfAway(x / q.scale[0]!);
    if (quantise(range[0]) <= lo && quantise(range[1]) >= hi) return value;
  } else if (activation === 'NONE') return value;
  if (range[1] === Infinity && range[0] === 0) return b.emit('Relu', [value]);
  return b.emit('Clip', [
    value,
    b.floatConstant('clip_min', [], [range[0]]),
    b.floatConstant('clip_max', [], [range[1]]),
  ]);
}

function roundHalfAway(x: number): number {
  if (!Number.isFinite(x)) return x;
  return Math.sign(x) * Math.round(Math.abs(x));
}
