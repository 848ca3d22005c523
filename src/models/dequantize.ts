import { ModelGraphError } from './errors.js';
import {
  floatTensor,
  graphOf,
  type ModelProto,
  type NodeProto,
  node,
  onnx,
  type TensorProto,
} from './onnx-graph.js';

/**
 * Turns a QLinear (int8/uint8) graph into the float32 graph it approximates: quantised weights and biases are
 * dequantised once, QLinear ops become their float ops, and each op's output range (which the quantised graph
 * enforces by saturation: that is where MobileNetV2's ReLU6 lives) becomes an explicit Clip. This stands in
 * for "the fp32 model" a first attempt would deploy; only the zoo's int8 file is available here.
 */
export function dequantizeModel(source: ModelProto): ModelProto {
  const model = onnx.ModelProto.decode(onnx.ModelProto.encode(source).finish());
  const graph = graphOf(model);
  const rewrite = new FloatRewrite(graph.initializer ?? []);
  for (const n of graph.node ?? []) rewrite.node(n);
  graph.node = rewrite.nodes;
  graph.initializer = [...(graph.initializer ?? []), ...rewrite.added];
  // Drop what the float graph no longer reads (quantised weights, scales, zero points).
  const used = new Set(rewrite.nodes.flatMap((n) => n.input ?? []));
  graph.initializer = graph.initializer.filter((t) => used.has(t.name ?? ''));
  return model;
}

/** The float graph being written: its nodes in order and the float initialisers it adds. */
class FloatRewrite {
  readonly nodes: NodeProto[] = [];
  readonly added: TensorProto[] = [];
  private readonly initializers: Map<string, TensorProto>;

  constructor(initializers: readonly TensorProto[]) {
    this.initializers = new Map(initializers.map((t) => [t.name ?? '', t]));
  }

  /** One node of the quantised graph, rewritten as its float counterpart. */
  node(n: NodeProto): void {
    const i = n.input ?? [];
    const o = n.output ?? [];
    const raw = `${o[0]}_raw`;
    switch (n.opType) {
      case 'QuantizeLinear':
      case 'DequantizeLinear':
        this.nodes.push(node('Identity', [i[0]!], [o[0]!], {}, n.name ?? o[0]));
        return;
      case 'QLinearConv':
        this.nodes.push({ ...n, opType: 'Conv', domain: '', input: this.convInputs(i), output: [raw] });
        this.clipToRange(o[0]!, i[6]!, i[7]!, raw);
        return;
      case 'QLinearAdd':
        this.nodes.push(node('Add', [this.operand(i, 0), this.operand(i, 3)], [raw], {}, n.name ?? o[0]));
        this.clipToRange(o[0]!, i[6]!, i[7]!, raw);
        return;
      case 'QLinearMatMul':
        this.nodes.push(node('MatMul', [i[0]!, this.operand(i, 3)], [raw], {}, n.name ?? o[0]));
        this.clipToRange(o[0]!, i[6]!, i[7]!, raw);
        return;
      case 'QLinearGlobalAveragePool':
        this.nodes.push(node('GlobalAveragePool', [i[0]!], [raw], {}, n.name ?? o[0]));
        this.clipToRange(o[0]!, i[3]!, i[4]!, raw);
        return;
      default:
        if (n.opType?.startsWith('QLinear') || (n.domain && n.domain !== ''))
          throw new ModelGraphError(`dequantize: operator ${n.domain}:${n.opType} is not supported`);
        this.nodes.push(n);
    }
  }

  /** The float weight and, when there is one, the float bias of a QLinearConv. */
  private convInputs(i: readonly string[]): string[] {
    const inputs = [i[0]!, this.dequantizedInitializer(i[3]!, i[4]!, i[5]!, `${i[3]}_fp32`)];
    if (i[8]) {
      // The int32 bias is quantised with scale = input scale × weight scale, zero point 0.
      const xs = this.value(i[1]!)[0]!;
      const ws = this.value(i[4]!);
      const b = readNumbers(this.initializers.get(i[8])!);
      this.added.push(
        floatTensor(
          `${i[8]}_fp32`,
          [b.length],
          b.map((v, c) => v * xs * (ws[ws.length > 1 ? c : 0] ?? 0)),
        ),
      );
      inputs.push(`${i[8]}_fp32`);
    }
    return inputs;
  }

  /** A QLinear op's operand at `at` (value, scale, zero point): dequantised when it is a constant. */
  private operand(i: readonly string[], at: number): string {
    return this.initializers.has(i[at]!)
      ? this.dequantizedInitializer(i[at]!, i[at + 1]!, i[at + 2], `${i[at]}_fp32`)
      : i[at]!;
  }

  private value(name: string): number[] {
    const t = this.initializers.get(name);
    if (!t) throw new ModelGraphError(`dequantize: ${name} is not an initializer`);
    return readNumbers(t);
  }

  private dequantizedInitializer(
    q: string,
    scale: string,
    zeroPoint: string | undefined,
    outName: string,
  ): string {
    const tensor = this.initializers.get(q)!;
    const data = readNumbers(tensor);
    const scales = this.value(scale);
    const zeros = zeroPoint ? this.value(zeroPoint) : [0];
    const dims = (tensor.dims ?? []).map(Number);
    const perChannel = scales.length > 1;
    const inner = perChannel ? data.length / scales.length : data.length;
    const out = new Float32Array(data.length);
    for (let i = 0; i < data.length; i++) {
      const c = perChannel ? Math.floor(i / inner) : 0;
      out[i] = (data[i]! - (zeros[perChannel ? c : 0] ?? 0)) * scales[c]!;
    }
    this.added.push(floatTensor(outName, dims, out));
    return outName;
  }

  /** The output range the quantised op enforced by saturation, as an explicit Clip. */
  private clipToRange(output: string, scale: string, zeroPoint: string, raw: string): void {
    const s = this.value(scale)[0]!;
    const z = this.value(zeroPoint)[0]!;
    const signed = this.initializers.get(zeroPoint)?.dataType === onnx.TensorProto.DataType.INT8;
    const [lo, hi] = signed ? [-128, 127] : [0, 255];
    this.added.push(
      floatTensor(`${output}_min`, [], [(lo - z) * s]),
      floatTensor(`${output}_max`, [], [(hi - z) * s]),
    );
    this.nodes.push(node('Clip', [raw, `${output}_min`, `${output}_max`], [output]));
  }
}

function readNumbers(tensor: TensorProto): number[] {
  const T = onnx.TensorProto.DataType;
  // Copy: decoded rawData may be a Buffer view at an unaligned offset.
  const raw = tensor.rawData && tensor.rawData.length > 0 ? new Uint8Array(tensor.rawData) : undefined;
  switch (tensor.dataType) {
    case T.FLOAT:
      return raw
        ? [...new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4)]
        : [...(tensor.floatData ?? [])];
    case T.UINT8:
      return raw ? [...raw] : [...(tensor.int32Data ?? [])];
    case T.INT8:
      return raw
        ? [...new Int8Array(raw.buffer, raw.byteOffset, raw.byteLength)]
        : [...(tensor.int32Data ?? [])];
    case T.INT32:
      return raw
        ? [...new Int32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4)]
        : [...(tensor.int32Data ?? [])];
    default:
      throw new ModelGraphError(`dequantize: tensor ${tensor.name} has unsupported type ${tensor.dataType}`);
  }
}
