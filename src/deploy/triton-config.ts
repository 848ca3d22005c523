import type { ModelIo, TensorIo } from '../inference/index.js';
import { decodeModel, graphOf } from '../models/index.js';
import { PbEnum, type PbMessage, type PbScalar } from './pbtxt.js';

// ONNX TensorProto.DataType → Triton's TYPE_* names (only the types a vision model uses).
const tritonTypes: Record<number, string> = {
  1: 'TYPE_FP32',
  2: 'TYPE_UINT8',
  3: 'TYPE_INT8',
  6: 'TYPE_INT32',
  7: 'TYPE_INT64',
  10: 'TYPE_FP16',
};

/** Reads the real inputs and outputs of an ONNX file's graph (initialisers are not inputs). */
export function readModelIo(onnx: Uint8Array): ModelIo {
  const graph = graphOf(decodeModel(onnx));
  const initialisers = new Set((graph.initializer ?? []).map((t) => t.name));
  const describe = (info: NonNullable<typeof graph.input>[number]): TensorIo => {
    const tensor = info.type?.tensorType;
    const dataType = tritonTypes[tensor?.elemType ?? 0];
    if (!dataType)
      throw new Error(`bug: tensor ${info.name} has ONNX type ${tensor?.elemType}, which we never produce`);
    const dims = (tensor?.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue ?? -1)));
    return { name: info.name ?? '', dataType, dims };
  };
  return {
    inputs: (graph.input ?? []).filter((i) => !initialisers.has(i.name ?? '')).map(describe),
    outputs: (graph.output ?? []).map(describe),
  };
}

/** Problems that would stop Triton loading `config` for a model with these inputs and outputs; empty if none. */
export function checkTritonConfig(config: PbMessage, io: ModelIo): string[] {
  const problems: string[] = [];
  const one = (m: PbMessage, field: string): PbScalar | PbMessage | undefined => m[field]?.[0];
  const enumName = (v: unknown): string | undefined => (v instanceof PbEnum ? v.name : undefined);
  if (one(config, 'platform') !== 'onnxruntime_onnx')
    problems.push(`platform is ${String(one(config, 'platform'))}`);
  const maxBatch = one(config, 'max_batch_size');
  if (typeof maxBatch !== 'number' || !Number.isInteger(maxBatch) || maxBatch < 0)
    problems.push('max_batch_size is not a count');
  const batched = typeof maxBatch === 'number' && maxBatch > 0;
  for (const [field, tensors] of [
    ['input', io.inputs],
    ['output', io.outputs],
  ] as const) {
    const declared = (config[field] ?? []) as PbMessage[];
    if (declared.length !== tensors.length)
      problems.push(`${declared.length} ${field}s declared, the model has ${tensors.length}`);
    for (const tensor of tensors) {
      const entry = declared.find((d) => one(d, 'name') === tensor.name);
      if (!entry) {
        problems.push(`${field} '${tensor.name}' is not declared`);
        continue;
      }
      if (enumName(one(entry, 'data_type')) !== tensor.dataType)
        problems.push(
          `${field} '${tensor.name}' is ${enumName(one(entry, 'data_type'))}, the model's is ${tensor.dataType}`,
        );
      const modelDims = batched ? tensor.dims.slice(1) : tensor.dims;
      if (batched && typeof tensor.dims[0] === 'number' && tensor.dims[0] !== -1)
        problems.push(
          `${field} '${tensor.name}' has a fixed first dim ${tensor.dims[0]}, so it cannot be batched`,
        );
      const dims = entry.dims ?? [];
      if (dims.length !== modelDims.length)
        problems.push(`${field} '${tensor.name}' has ${dims.length} dims, the model ${modelDims.length}`);
      modelDims.forEach((d, i) => {
        const c = dims[i];
        if (typeof c !== 'number' || !Number.isInteger(c) || c === 0 || c < -1)
          problems.push(`${field} '${tensor.name}' dim ${i} is not a size`);
        else if (typeof d === 'number' && d !== -1 && c !== d)
          problems.push(`${field} '${tensor.name}' dim ${i} is ${c}, the model's is ${d}`);
      });
    }
  }
  const batching = one(config, 'dynamic_batching') as PbMessage | undefined;
  if (batching && !batched) problems.push('dynamic_batching needs max_batch_size > 0');
  for (const size of batching?.preferred_batch_size ?? [])
    if (typeof size !== 'number' || typeof maxBatch !== 'number' || size < 1 || size > maxBatch)
      problems.push(`preferred_batch_size ${String(size)} is outside 1..max_batch_size`);
  for (const group of (config.instance_group ?? []) as PbMessage[]) {
    const kind = enumName(one(group, 'kind'));
    if (kind !== 'KIND_CPU') problems.push(`instance_group kind ${kind} is not KIND_CPU`);
    const count = one(group, 'count');
    if (typeof count !== 'number' || count < 1) problems.push('instance_group count is not positive');
  }
  return problems;
}
