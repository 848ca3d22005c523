import onnxProto from 'onnx-proto';
import { ModelGraphError } from './errors.js';

/**
 * Small, pure edits of ONNX graphs: enough to expose an embedding, append a head, add test-time flips and
 * prune what no output needs. Everything works on decoded `ModelProto` objects; I/O stays with the callers.
 */
export const { onnx } = onnxProto;
export type ModelProto = onnxProto.onnx.ModelProto;
export type GraphProto = onnxProto.onnx.IGraphProto;
export type NodeProto = onnxProto.onnx.INodeProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
/** Attribute values; a whole number is an INT attribute unless wrapped as `{ float: n }`. */
export type AttributeValue = number | number[] | string | { readonly float: number };

const DataType = onnx.TensorProto.DataType;
const AttributeType = onnx.AttributeProto.AttributeType;

export function decodeModel(bytes: Uint8Array): ModelProto {
  return onnx.ModelProto.decode(bytes);
}

export function encodeModel(model: ModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

export function graphOf(model: ModelProto): GraphProto {
  if (!model.graph) throw new Error('bug: ONNX model without a graph');
  return model.graph;
}

/** A float32 initializer stored as raw little-endian bytes. */
export function floatTensor(
  name: string,
  dims: readonly number[],
  values: Float32Array | readonly number[],
): TensorProto {
  const data = values instanceof Float32Array ? values : Float32Array.from(values);
  if (data.length !== dims.reduce((a, b) => a * b, 1))
    throw new Error(`bug: ${name} has ${data.length} values for dims ${dims}`);
  return {
    name,
    dims: [...dims],
    dataType: DataType.FLOAT,
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice(),
  };
}

export function int64Tensor(name: string, values: readonly number[]): TensorProto {
  const data = BigInt64Array.from(values.map((v) => BigInt(v)));
  return { name, dims: [values.length], dataType: DataType.INT64, rawData: new Uint8Array(data.buffer) };
}

/** A scalar (rank-0) int64 initializer, e.g. a Gather index that drops the gathered axis. */
export function scalarInt64(name: string, value: number): TensorProto {
  const data = BigInt64Array.of(BigInt(value));
  return { name, dims: [], dataType: DataType.INT64, rawData: new Uint8Array(data.buffer) };
}

export function node(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  attributes: Record<string, AttributeValue> = {},
  name = outputs[0] ?? opType,
): NodeProto {
  return {
    opType,
    name,
    input: [...inputs],
    output: [...outputs],
    attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)),
  };
}

function attribute(name: string, value: AttributeValue): onnxProto.onnx.IAttributeProto {
  if (typeof value === 'string')
    return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if (typeof value === 'object' && !Array.isArray(value))
    return { name, type: AttributeType.FLOAT, f: value.float };
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: value };
  if (Number.isInteger(value)) return { name, type: AttributeType.INT, i: value };
  return { name, type: AttributeType.FLOAT, f: value };
}

/** A float32 graph input or output with named symbolic dimensions where a string is given. */
export function valueInfo(name: string, dims: readonly (number | string)[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

/** Makes the spatial dimensions of an NCHW input symbolic, so a convolutional backbone accepts any size. */
export function makeSpatialDimsSymbolic(model: ModelProto, inputName: string): void {
  const input = graphOf(model).input?.find((i) => i.name === inputName);
  const dims = input?.type?.tensorType?.shape?.dim;
  if (dims?.length !== 4) throw new ModelGraphError(`input ${inputName} is not a 4-d tensor in this graph`);
  dims[0] = { dimParam: 'batch' };
  dims[2] = { dimParam: 'height' };
  dims[3] = { dimParam: 'width' };
}

/** Replaces the graph's outputs and drops every node and initializer they do not depend on. */
export function setOutputsAndPrune(model: ModelProto, outputs: onnxProto.onnx.IValueInfoProto[]): void {
  const graph = graphOf(model);
  graph.output = outputs;
  const needed = new Set(outputs.map((o) => o.name ?? ''));
  const kept: NodeProto[] = [];
  for (const n of [...(graph.node ?? [])].reverse()) {
    if ((n.output ?? []).some((o) => needed.has(o))) {
      kept.push(n);
      for (const i of n.input ?? []) needed.add(i);
    }
  }
  graph.node = kept.reverse();
  graph.initializer = (graph.initializer ?? []).filter((t) => needed.has(t.name ?? ''));
  graph.valueInfo = (graph.valueInfo ?? []).filter((v) => needed.has(v.name ?? ''));
  graph.input = (graph.input ?? []).filter((i) => needed.has(i.name ?? ''));
}

/**
 * Copies `part`'s nodes and initializers into `model`, prefixing their names, and wires `part`'s graph inputs
 * to tensors of `model` given by `connect` (part input name → model tensor name). Returns the renamed outputs.
 */
export function appendGraph(
  model: ModelProto,
  part: ModelProto,
  prefix: string,
  connect: Record<string, string>,
): Record<string, string> {
  const graph = graphOf(model);
  const partGraph = graphOf(part);
  const rename = (name: string) => (name === '' ? '' : (connect[name] ?? `${prefix}${name}`));
  for (const n of partGraph.node ?? []) {
    graph.node!.push({
      ...n,
      name: `${prefix}${n.name ?? ''}`,
      input: (n.input ?? []).map(rename),
      output: (n.output ?? []).map(rename),
    });
  }
  for (const t of partGraph.initializer ?? []) graph.initializer!.push({ ...t, name: rename(t.name ?? '') });
  mergeOpsets(model, part);
  return Object.fromEntries((partGraph.output ?? []).map((o) => [o.name ?? '', rename(o.name ?? '')]));
}

function mergeOpsets(model: ModelProto, part: ModelProto): void {
  const imports = model.opsetImport;
  for (const opset of part.opsetImport ?? []) {
    const mine = imports.find((o) => (o.domain ?? '') === (opset.domain ?? ''));
    if (!mine) imports.push(opset);
    else if (Number(mine.version) < Number(opset.version))
      throw new ModelGraphError(
        `part needs opset ${opset.version} of '${opset.domain}', the model has ${mine.version}`,
      );
  }
}

/** A fresh model around a graph, at the given default-domain opset. */
export function newModel(graph: GraphProto, opset: number, producer = 'gourmetgram'): ModelProto {
  return onnx.ModelProto.create({
    irVersion: 7,
    producerName: producer,
    opsetImport: [{ domain: '', version: opset }],
    graph,
  });
}

/** Total float32 values stored in a model's initializers (for model cards). */
export function countParameters(model: ModelProto): number {
  return (graphOf(model).initializer ?? []).reduce(
    (sum, t) => sum + (t.dims ?? []).reduce((a: number, d) => a * Number(d), 1),
    0,
  );
}
