import { TfliteUnsupportedError } from './errors.js';
import { graphOf, type ModelProto, newModel, valueInfo } from './onnx-graph.js';
import { TfliteGraphBuilder } from './tflite-graph-builder.js';
import { readTfliteModel } from './tflite-model.js';
import { operatorConverters } from './tflite-ops.js';

/** Bumped whenever a change of the converter changes its output, so cached conversions are redone. */
export const tfliteConverterVersion = 1;

/** The converted graph's input: real-valued (dequantised) pixels, NCHW, any batch, height and width. */
export const convertedInputName = 'image';

/**
 * Converts a TensorFlow Lite model to an ONNX graph (opset 13) with the same arithmetic.
 *
 * The input `image` is float NCHW [batch, channels, height, width] holding the values the TFLite input
 * represents (for a uint8 input with scale s and zero point z: s·(q − z)); a QuantizeLinear at the top
 * recovers q exactly. Quantised tensors keep their TFLite names, with `<name>_scale` and `<name>_zero_point`
 * beside them, so a backbone description can name its embedding the way it does for a quantised ONNX graph.
 * The model's outputs are dequantised and named `output` (or `output_<i>` when there are several), in the
 * TFLite layout.
 *
 * Throws TfliteFormatError for a damaged file and TfliteUnsupportedError naming every operator it cannot
 * translate.
 */
export function convertTfliteToOnnx(bytes: Uint8Array): ModelProto {
  const tflite = readTfliteModel(bytes);
  const unsupported = [...new Set(tflite.operators.map((o) => o.op))].filter((op) => !operatorConverters[op]);
  if (unsupported.length > 0) throw new TfliteUnsupportedError(unsupported.sort());
  if (tflite.inputs.length !== 1)
    throw new TfliteUnsupportedError([`${tflite.inputs.length} model inputs`], 'one image input is expected');
  const outputNames = tflite.outputs.length === 1 ? ['output'] : tflite.outputs.map((_, i) => `output_${i}`);
  const b = new TfliteGraphBuilder(tflite, [convertedInputName, ...outputNames]);

  const input = tflite.inputs[0]!;
  const inputShape = b.tensor(input).shape;
  if (inputShape.length !== 4)
    throw new TfliteUnsupportedError([`a ${inputShape.length}-d model input`], 'an NHWC image is expected');
  b.setShape(input, inputShape);
  b.store(input, convertedInputName);

  for (const op of tflite.operators) operatorConverters[op.op]!(b, op);

  const outputs = tflite.outputs.map((index, i) => {
    const shape = b.shape(index);
    let value = b.float(index);
    if (shape.length === 4) value = b.emit('Transpose', [value], { perm: [0, 2, 3, 1] });
    b.emitTo('Identity', [value], outputNames[i]!);
    return valueInfo(outputNames[i]!, ['batch', ...shape.slice(1)]);
  });
  const model = newModel(
    {
      name: 'tflite',
      node: b.nodes,
      initializer: b.initializers,
      input: [valueInfo(convertedInputName, ['batch', inputShape[3]!, 'height', 'width'])],
      output: outputs,
    },
    13,
    'gourmetgram-tflite',
  );
  graphOf(model).docString = tflite.description;
  return model;
}
