import { ModelConfigError } from './errors.js';
import { graphOf, int64Tensor, type ModelProto } from './onnx-graph.js';

// Ops whose inputs and attributes mean the same from opset 11 to 20 for the tensors our backbones feed them.
const unchanged = new Set([
  'Add',
  'AveragePool',
  'Cast',
  'Clip',
  'Concat',
  'Constant',
  'Conv',
  'DequantizeLinear',
  'Div',
  'Flatten',
  'Gather',
  'Gemm',
  'GlobalAveragePool',
  'HardSigmoid',
  'HardSwish',
  'Identity',
  'LpNormalization',
  'MatMul',
  'MaxPool',
  'Mul',
  'Pad',
  'QLinearConv',
  'QLinearMatMul',
  'QuantizeLinear',
  'Relu',
  'Reshape',
  'Resize',
  'Shape',
  'Sigmoid',
  'Slice',
  'Softmax',
  'Sub',
  'Tanh',
  'Transpose',
]);

/** Opset at which an op's `axes` (or Split's `split`) attribute became an input. */
const attributeToInput: Record<string, { readonly since: number; readonly attribute: string }> = {
  Unsqueeze: { since: 13, attribute: 'axes' },
  Squeeze: { since: 13, attribute: 'axes' },
  ReduceSum: { since: 13, attribute: 'axes' },
  Split: { since: 13, attribute: 'split' },
  ReduceMean: { since: 18, attribute: 'axes' },
  ReduceMax: { since: 18, attribute: 'axes' },
  ReduceMin: { since: 18, attribute: 'axes' },
  ReduceProd: { since: 18, attribute: 'axes' },
  ReduceL2: { since: 18, attribute: 'axes' },
};

/** The model's default-domain (ai.onnx) opset. */
export function defaultOpset(model: ModelProto): number {
  const entry = (model.opsetImport ?? []).find((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx');
  return Number(entry?.version ?? 1);
}

/**
 * Raises a model's default-domain opset in place, so graphs of different opsets can share one graph: ops whose
 * attribute became an input get that input; ops known not to have changed are kept; any other op is refused
 * with its name rather than silently reinterpreted. Other domains (com.microsoft's QLinearAdd…) are untouched.
 */
export function upgradeOpset(model: ModelProto, target: number, name = 'model'): void {
  const from = defaultOpset(model);
  if (from >= target) return;
  const graph = graphOf(model);
  const refused = new Set<string>();
  for (const n of graph.node ?? []) {
    if (n.domain && n.domain !== 'ai.onnx') continue;
    const op = n.opType ?? '';
    const change = attributeToInput[op];
    if (change) {
      if (from >= change.since || target < change.since) continue;
      const attribute = (n.attribute ?? []).find((a) => a.name === change.attribute);
      if (!attribute) continue;
      const input = `${n.output?.[0] ?? op}_${change.attribute}`;
      graph.initializer!.push(int64Tensor(input, (attribute.ints ?? []).map(Number)));
      n.attribute = (n.attribute ?? []).filter((a) => a !== attribute);
      // Split's `split` is its second input; every other op's `axes` is the second as well.
      n.input = [n.input?.[0] ?? '', input];
    } else if (!unchanged.has(op)) refused.add(op);
  }
  if (refused.size)
    throw new ModelConfigError(
      name,
      `cannot raise opset ${from} to ${target} to share a graph with another backbone: no upgrade for ${[...refused].join(', ')}`,
    );
  for (const o of model.opsetImport ?? [])
    if ((o.domain ?? '') === '' || o.domain === 'ai.onnx') o.version = target;
}
