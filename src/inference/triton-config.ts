import { modelInputSize, type Recipe } from '../recipes/index.js';

/** One graph input or output: its name, Triton data type and dims (strings are symbolic, e.g. the batch). */
export interface TensorIo {
  readonly name: string;
  readonly dataType: string;
  readonly dims: readonly (number | string)[];
}

export interface ModelIo {
  readonly inputs: readonly TensorIo[];
  readonly outputs: readonly TensorIo[];
}

/** A Triton model configuration in its JSON form: enum values are strings (`"TYPE_FP32"`). */
export interface TritonModelConfig {
  readonly [field: string]: TritonValue;
}
export type TritonValue = string | number | boolean | undefined | TritonModelConfig | readonly TritonValue[];

/** The fields whose values are enum identifiers: bare in config.pbtxt, strings in JSON. */
export const tritonEnumFields: ReadonlySet<string> = new Set([
  'data_type',
  'format',
  'kind',
  'timeout_action',
]);

const graphLevels = { basic: -1, extended: 1, disabled: 2 } as const;

/**
 * Triton's model configuration, from the recipe's serving section: batching with the recipe's delay and
 * preferred sizes, its queue bound and deadline, its instance count on CPU and its ONNX Runtime threads and
 * optimisation level. One builder serves both the repository written for Triton (`deploy`) and our own
 * server's `GET /v2/models/<name>/config`, so the two cannot disagree; only the tensors differ (our server
 * also takes encoded photos).
 */
export function tritonConfig(
  recipe: Recipe,
  modelName: string,
  io: ModelIo,
  options: { readonly labelFile?: string } = {},
): TritonModelConfig {
  const s = recipe.serving;
  const inline = s.mode === 'inline';
  const tensor = (t: TensorIo, extra: TritonModelConfig = {}): TritonModelConfig => ({
    name: t.name,
    data_type: t.dataType,
    // With max_batch_size > 0 Triton adds the batch dimension itself; spatial dims come from the recipe.
    dims: t.dims
      .slice(1)
      .map((d, i) => (typeof d === 'number' ? d : i >= 1 ? modelInputSize(recipe.model) : -1)),
    ...extra,
  });
  const level = s.graph_optimization === 'all' ? undefined : graphLevels[s.graph_optimization];
  const labels = options.labelFile === undefined ? {} : { label_filename: options.labelFile };
  return {
    name: modelName,
    platform: 'onnxruntime_onnx',
    max_batch_size: inline ? 1 : s.max_batch_size,
    version_policy: { latest: { num_versions: 1 } },
    input: io.inputs.map((t) => tensor(t, t.dims.length === 4 ? { format: 'FORMAT_NCHW' } : {})),
    output: io.outputs.map((t) => tensor(t, t.name === 'probabilities' ? labels : {})),
    // The predecessor's inline mode runs one request at a time: no batching at all.
    dynamic_batching: inline
      ? undefined
      : {
          preferred_batch_size: s.preferred_batch_sizes.length ? [...s.preferred_batch_sizes] : undefined,
          max_queue_delay_microseconds: Math.round(s.max_queue_delay_ms * 1000),
          default_queue_policy: {
            timeout_action: 'REJECT',
            default_timeout_microseconds: s.timeout_ms * 1000,
            max_queue_size: s.max_queue,
          },
        },
    instance_group: [{ count: inline ? 1 : s.instances, kind: 'KIND_CPU' }],
    optimization: level === undefined ? undefined : { graph: { level } },
    parameters: [
      { key: 'intra_op_thread_count', value: { string_value: String(s.intra_op_threads) } },
      { key: 'inter_op_thread_count', value: { string_value: '1' } },
    ],
  };
}
