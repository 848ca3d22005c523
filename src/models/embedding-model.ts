import type { BackboneSpec } from './backbone-spec.js';
import { ModelConfigError, ModelGraphError } from './errors.js';
import {
  decodeModel,
  floatTensor,
  graphOf,
  int64Tensor,
  type ModelProto,
  makeSpatialDimsSymbolic,
  node,
  scalarInt64,
  setOutputsAndPrune,
  valueInfo,
} from './onnx-graph.js';

/** Tensor names of every model we build: one image input, an embedding and (when a head is on) probabilities. */
export const tensorNames = Object.freeze({
  image: 'image',
  embedding: 'embedding',
  probabilities: 'probabilities',
  logits: 'logits',
});

export interface EmbeddingModelOptions {
  /** Run the mirrored image through the backbone too and average the two embeddings (test-time augmentation). */
  readonly flipTta: boolean;
}

/**
 * Edits a backbone graph into an embedding extractor: its classifier is pruned away, the pooled feature is
 * dequantised (for int8 graphs) and exposed as `embedding` [batch, width], and the input becomes `image`
 * [batch, 3, height, width] with symbolic spatial dims. With `flipTta` the flip happens inside the graph
 * (Slice with step -1 on the width axis), so every engine that serves the model gets the same accuracy.
 */
export function buildEmbeddingModel(
  backbone: Uint8Array,
  spec: BackboneSpec,
  options: EmbeddingModelOptions,
): ModelProto {
  const model = decodeModel(backbone);
  const graph = graphOf(model);
  if (spec.input.spatialDimsFixed) makeSpatialDimsSymbolic(model, spec.input.name);
  renameGraphInput(model, spec.input.name, tensorNames.image);

  const views = options.flipTta ? 'embedding_views' : tensorNames.embedding;
  const { tensor, dequantize } = spec.embedding;
  // A dequantised (fp32) copy of an int8 backbone has no scales left: its pooled tensor is already float.
  const quantised = dequantize && graph.initializer!.some((t) => t.name === dequantize.scale);
  graph.node!.push(
    quantised
      ? node('DequantizeLinear', [tensor, dequantize.scale, dequantize.zeroPoint], ['embedding_pooled'])
      : node('Identity', [tensor], ['embedding_pooled']),
    // A pooled feature may still be [batch, width, 1, 1] (a GlobalAveragePool output); Flatten leaves 2-d alone.
    node('Flatten', ['embedding_pooled'], [views], { axis: 1 }),
  );

  if (options.flipTta) {
    const backboneInput = 'image_views';
    for (const n of graph.node!)
      n.input = (n.input ?? []).map((i) => (i === tensorNames.image ? backboneInput : i));
    graph.initializer!.push(
      int64Tensor('tta_flip_starts', [-1]),
      int64Tensor('tta_flip_ends', [Number.MIN_SAFE_INTEGER]),
      int64Tensor('tta_flip_axes', [3]),
      int64Tensor('tta_flip_steps', [-1]),
      int64Tensor('tta_views_shape', [2, -1, spec.embedding.width]),
      scalarInt64('tta_first', 0),
      scalarInt64('tta_second', 1),
      floatTensor('tta_half', [], [0.5]),
    );
    graph.node!.unshift(
      node(
        'Slice',
        [tensorNames.image, 'tta_flip_starts', 'tta_flip_ends', 'tta_flip_axes', 'tta_flip_steps'],
        ['image_flipped'],
      ),
      node('Concat', [tensorNames.image, 'image_flipped'], [backboneInput], { axis: 0 }),
    );
    graph.node!.push(
      node('Reshape', [views, 'tta_views_shape'], ['embedding_by_view']),
      // (plain + mirrored) × 0.5 with Gather/Add/Mul rather than ReduceMean, whose axes moved from an attribute
      // to an input in opset 18: the same nodes then work in every backbone's opset (12 to 20 here).
      node('Gather', ['embedding_by_view', 'tta_first'], ['embedding_plain'], { axis: 0 }),
      node('Gather', ['embedding_by_view', 'tta_second'], ['embedding_mirrored'], { axis: 0 }),
      node('Add', ['embedding_plain', 'embedding_mirrored'], ['embedding_view_sum']),
      node('Mul', ['embedding_view_sum', 'tta_half'], [tensorNames.embedding]),
    );
  }
  setOutputsAndPrune(model, [valueInfo(tensorNames.embedding, ['batch', spec.embedding.width])]);
  return model;
}

/**
 * The backbone's own classifier as a model: input `image` as for the embedding, output `logits`
 * [batch, classes] (dequantised, before any softmax). Used to score a peer with its own head, and to check a
 * converted backbone against a reference on its original task.
 */
export function buildClassifierModel(backbone: Uint8Array, spec: BackboneSpec): ModelProto {
  const { classifier } = spec;
  if (!classifier) throw new ModelConfigError(spec.name, 'it names no classifier tensor');
  const model = buildEmbeddingModel(backbone, { ...spec, embedding: classifier }, { flipTta: false });
  const graph = graphOf(model);
  for (const n of graph.node ?? [])
    n.output = (n.output ?? []).map((o) => (o === tensorNames.embedding ? tensorNames.logits : o));
  graph.output = [valueInfo(tensorNames.logits, ['batch', classifier.width])];
  return model;
}

function renameGraphInput(model: ModelProto, from: string, to: string): void {
  const graph = graphOf(model);
  const input = graph.input?.find((i) => i.name === from);
  if (!input) throw new ModelGraphError(`backbone has no input named ${from}`);
  input.name = to;
  for (const n of graph.node ?? []) n.input = (n.input ?? []).map((i) => (i === from ? to : i));
}
