import { floatTensor, type ModelProto, type NodeProto, newModel, node, type TensorProto, valueInfo } from './onnx-graph.js';
import { tensorNames } from './embedding-model.js';

/** One dense layer, weights row-major [outputs × inputs] as ONNX Gemm with transB = 1 expects. */
export interface DenseLayer {
  readonly inputs: number;
  readonly outputs: number;
  readonly weight: Float32Array;
  readonly bias: Float32Array;
}

/** A trained head: dense layers with ReLU between them, softmax at the end. One layer = multinomial logistic. */
export interface HeadWeights {
  readonly layers: readonly DenseLayer[];
}

// Opset 12 matches the zoo backbone, so the head can be appended without raising the model's opset.
const headOpset = 12;

/**
 * The head as a standalone ONNX graph: `embedding` [batch, width] → `logits` → `probabilities` [batch, classes].
 * It is committed as our own artifact and appended to the backbone when the model is packaged.
 */
export function buildHeadModel(head: HeadWeights): ModelProto {
  if (head.layers.length === 0) throw new Error('bug: a head needs at least one layer');
  const nodes: NodeProto[] = [];
  const initializers: TensorProto[] = [];
  let current: string = tensorNames.embedding;
  head.layers.forEach((layer, index) => {
    if (layer.weight.length !== layer.inputs * layer.outputs || layer.bias.length !== layer.outputs)
      throw new Error(`bug: layer ${index} has inconsistent shapes`);
    const last = index === head.layers.length - 1;
    const output = last ? 'logits' : `dense${index}`;
    initializers.push(floatTensor(`w${index}`, [layer.outputs, layer.inputs], layer.weight));
    initializers.push(floatTensor(`b${index}`, [layer.outputs], layer.bias));
    nodes.push(node('Gemm', [current, `w${index}`, `b${index}`], [output], { transB: 1 }));
    current = output;
    if (!last) {
      nodes.push(node('Relu', [output], [`relu${index}`]));
      current = `relu${index}`;
    }
  });
  nodes.push(node('Softmax', [current], [tensorNames.probabilities], { axis: 1 }));
  const first = head.layers[0]!;
  const classes = head.layers.at(-1)!.outputs;
  return newModel(
    {
      name: 'food11_head',
      node: nodes,
      initializer: initializers,
      input: [valueInfo(tensorNames.embedding, ['batch', first.inputs])],
      output: [valueInfo(tensorNames.probabilities, ['batch', classes])],
    },
    headOpset,
  );
}
