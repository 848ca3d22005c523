import type { BackboneSpec } from './backbone-spec.js';
import { buildEmbeddingModel, tensorNames } from './embedding-model.js';
import { appendGraph, graphOf, type ModelProto, valueInfo } from './onnx-graph.js';

export interface PackageOptions {
  readonly flipTta: boolean;
  readonly classes: readonly string[];
  /** Free-form facts stored in the model's metadata_props (head name, version, input size). */
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * One deployable graph: `image` [batch, 3, h, w] → `probabilities` [batch, classes] and `embedding`
 * [batch, width] (kept as an output for drift monitoring). Built from the backbone and our head graph.
 */
export function packageModel(
  backbone: Uint8Array,
  spec: BackboneSpec,
  head: ModelProto,
  options: PackageOptions,
): ModelProto {
  const model = buildEmbeddingModel(backbone, spec, { flipTta: options.flipTta });
  const outputs = appendGraph(model, head, 'head/', { [tensorNames.embedding]: tensorNames.embedding });
  const probabilities = outputs[tensorNames.probabilities];
  if (!probabilities) throw new Error(`head graph has no '${tensorNames.probabilities}' output`);
  const graph = graphOf(model);
  const headNode = graph.node!.find((n) => n.output?.includes(probabilities));
  if (headNode) headNode.output = [tensorNames.probabilities];
  graph.name = 'food11';
  graph.output = [
    valueInfo(tensorNames.probabilities, ['batch', options.classes.length]),
    valueInfo(tensorNames.embedding, ['batch', spec.embedding.width]),
  ];
  model.metadataProps = Object.entries({
    classes: JSON.stringify(options.classes),
    backbone: spec.name,
    backbone_sha256: spec.sha256,
    flip_tta: String(options.flipTta),
    ...options.metadata,
  }).map(([key, value]) => ({ key, value }));
  return model;
}
