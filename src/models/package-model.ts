import type { BackboneSpec } from './backbone-spec.js';
import { tensorNames } from './embedding-model.js';
import { ModelGraphError } from './errors.js';
import { withIntegerMemorySearch } from './memory-search.js';
import { appendGraph, graphOf, type ModelProto, valueInfo } from './onnx-graph.js';

export interface PackageOptions {
  readonly flipTta: boolean;
  readonly classes: readonly string[];
  /** The backbones inside `embedding`, in order (named in the model's metadata). */
  readonly backbones: readonly BackboneSpec[];
  /** Free-form facts stored in the model's metadata_props (head name, version, input size). */
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * One deployable graph: `image` [batch, 3, h, w] → `probabilities` [batch, classes] and `embedding`
 * [batch, width] (kept as an output for drift monitoring). Built from an embedding graph (one backbone's or
 * several composed) and our head graph, its neighbour memory searched in int8; the embedding graph is edited
 * in place.
 */
export function packageModel(model: ModelProto, head: ModelProto, options: PackageOptions): ModelProto {
  const width = options.backbones.reduce((sum, b) => sum + b.embedding.width, 0);
  const outputs = appendGraph(model, withIntegerMemorySearch(head), 'head/', {
    [tensorNames.embedding]: tensorNames.embedding,
  });
  const probabilities = outputs[tensorNames.probabilities];
  if (!probabilities) throw new ModelGraphError(`head graph has no '${tensorNames.probabilities}' output`);
  const graph = graphOf(model);
  const headNode = graph.node!.find((n) => n.output?.includes(probabilities));
  if (headNode) headNode.output = [tensorNames.probabilities];
  graph.name = 'food11';
  graph.output = [
    valueInfo(tensorNames.probabilities, ['batch', options.classes.length]),
    valueInfo(tensorNames.embedding, ['batch', width]),
  ];
  model.metadataProps = Object.entries({
    classes: JSON.stringify(options.classes),
    backbone: options.backbones.map((b) => b.name).join('+'),
    backbone_sha256: options.backbones.map((b) => b.sha256).join(','),
    flip_tta: String(options.flipTta),
    ...options.metadata,
  }).map(([key, value]) => ({ key, value }));
  return model;
}
