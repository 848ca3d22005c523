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
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const added: TensorProto[] = [];
  const nodes: NodeProto[] = [];
  const value = (name: string) => {
    const t = initializers.get(name);
    if (!t) throw new ModelGraphError(`dequantize: ${name} is not an initializer`);
    return readNumbers(t);
  };
  const dequantizedInitializer = (
    q: string,
    scale: string,
    zeroPoint: string | undefined,
    outName: string,
  ) => {
    const tensor = initializers.get(q)!;
    const data = readNumbers(tensor);
    const scales = value(scale);
    const zeros = zeroPoint ? value(zeroPoint) : [0];
    const dims = (tensor.dims ?? []).map(Number);
    const perChannel = scales.length > 1;
    const inner = perChannel ? data.length / scales.length : data.length;
    const out = new Float32Array(data.length);
    for (let i = 0; i < data.length; i++) {
      const c = perChannel ? Math.floor(i / inner) : 0;
      out[i] = (data[i]! - (zeros[perChannel ? c : 0] ?? 0)) * scales[c]!;
    }
    added.push(floatTensor(outName, dims, out));
    return outName;
  };
  const clipToRange = (output: string, scale: string, zeroPoint: string, raw: string) => {
    const s = value(scale)[0]!;
    const z = value(zeroPoint)[0]!;
    const signed = initializers.get(zeroPoint)?.dataType === onnx.TensorProto.DataType.INT8;
    const [lo, hi] = signed ? [-128, 127] : [0, 255];
    added.push(
      floatTensor(`${output}_min`, [], [(lo - z) * s]),
      floatTensor(`${output}_max`, [], [(hi - z) * s]),
    );
    nodes.push(node('Clip', [raw, `${output}_min`, `${output}_max`], [output]));
  };
  for (const n of graph.node ?? []) {
    const i = n.input ?? [];
    const o = n.output ?? [];
    switch (n.opType) {
      case 'QuantizeLinear':
      case 'DequantizeLinear':
        nodes.push(node('Identity', [i[0]!], [o[0]!], {}, n.name ?? o[0]));
        break;
      case 'QLinearConv': {
        const w = dequantizedInitializer(i[3]!, i[4]!, i[5]!, `${i[3]}_fp32`);
        const inputs = [i[0]!, w];
        if (i[8]) {
          // The int32 bias is quantised with scale = input scale × weight scale, zero point 0.
          const xs = value(i[1]!)[0]!;
          const ws = value(i[4]!);
          const b = readNumbers(initializers.get(i[8])!);
          added.push(
            floatTensor(
              `${i[8]}_fp32`,
              [b.length],
              b.map((v, c) => v * xs * (ws[ws.length > 1 ? c : 0] ?? 0)),
            ),
          );
          inputs.push(`${i[8]}_fp32`);
        }
        nodes.push({ ...n, opType: 'Conv', domain: '', input: inputs, output: [`${o[0]}_raw`] });
        clipToRange(o[0]!, i[6]!, i[7]!, `${o[0]}_raw`);
        break;
      }
      case 'QLinearAdd': {
        const a = initializers.has(i[0]!)
          ? dequantizedInitializer(i[0]!, i[1]!, i[2], `${i[0]}_fp32`)
          : i[0]!;
        const b = initializers.has(i[3]!)
          ? dequantizedInitializer(i[3]!, i[4]!, i[5], `${i[3]}_fp32`)
          : i[3]!;
        nodes.push(node('Add', [a, b], [`${o[0]}_raw`], {}, n.name ?? o[0]));
        clipToRange(o[0]!, i[6]!, i[7]!, `${o[0]}_raw`);
        break;
      }
      case 'QLinearMatMul': {
        const b = initializers.has(i[3]!)
          ? dequantizedInitializer(i[3]!, i[4]!, i[5], `${i[3]}_fp32`)
          : i[3]!;
        nodes.push(node('MatMul', [i[0]!, b], [`${o[0]}_raw`], {}, n.name ?? o[0]));
        clipToRange(o[0]!, i[6]!, i[7]!, `${o[0]}_raw`);
        break;
      }
      case 'QLinearGlobalAveragePool':
        nodes.push(node('GlobalAveragePool', [i[0]!], [`${o[0]}_raw`], {}, n.name ?? o[0]));
        clipToRange(o[0]!, i[3]!, i[4]!, `${o[0]}_raw`);
        break;
      default:
        if (n.opType?.startsWith('QLinear') || (n.domain && n.domain !== ''))
          throw new ModelGraphError(`dequantize: operator ${n.domain}:${n.opType} is not supported`);
        nodes.push(n);
    }
  }
  graph.node = nodes;
  graph.initializer = [...(graph.initializer ?? []), ...added];
  // Drop what the float graph no longer reads (quantised weights, scales, zero points).
  const used = new Set(nodes.flatMap((n) => n.input ?? []));
  graph.initializer = graph.initializer.filter((t) => used.has(t.name ?? ''));
  return model;
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
