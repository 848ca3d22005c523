import type { PreprocessSpec } from '../vision/index.js';
import type { BackboneSpec } from './backbone-spec.js';
import { buildEmbeddingModel, tensorNames } from './embedding-model.js';
import { floatTensor, graphOf, int64Tensor, type ModelProto, node } from './onnx-graph.js';

/** One backbone of a model and the side, in pixels, at which it sees the photo. */
export interface BackboneUse {
  readonly spec: BackboneSpec;
  readonly size: number;
}

/**
 * What a backbone needs between the model's input (cropped, resized and normalised as the first backbone
 * asks, at the largest size any backbone uses) and its own input: a per-channel affine map where its
 * mean/std differ, a resize where its size differs. Empty for the first backbone: then its branch is exactly
 * the single-backbone graph, and embeddings cached for it stay valid.
 */
export interface BranchFront {
  /** y = x × scale + shift per channel: undoes the input's normalisation and applies the backbone's own. */
  readonly affine?: { readonly scale: readonly number[]; readonly shift: readonly number[] };
  readonly resizeTo?: number;
}

export function branchFront(input: PreprocessSpec, use: BackboneUse): BranchFront {
  const { mean, std } = use.spec.input;
  const same = mean.every((m, c) => m === input.mean[c] && std[c] === input.std[c]);
  return {
    ...(same
      ? {}
      : {
          affine: {
            scale: std.map((s, c) => input.std[c]! / s),
            shift: mean.map((m, c) => (input.mean[c]! - m) / std[c]!),
          },
        }),
    ...(use.size === input.size ? {} : { resizeTo: use.size }),
  };
}

/**
 * Names everything that changes a branch's numbers, for embedding cache keys: the backbone file, its
 * precision, flip averaging and the front. A branch without a front keeps the single-backbone key.
 */
export function branchModelKey(
  spec: BackboneSpec,
  precision: string,
  flip: boolean,
  front: BranchFront,
): string {
  const base = `${spec.sha256}:${precision}:flip=${flip}`;
  return front.affine || front.resizeTo ? `${base}:front=${JSON.stringify(front)}` : base;
}

/**
 * A backbone's embedding graph behind its front: `image` as the packaged model receives it → the backbone's
 * `embedding`. Flip averaging, when asked, happens after the front, inside the branch.
 */
export function buildBranchModel(
  backbone: Uint8Array,
  spec: BackboneSpec,
  options: { readonly flipTta: boolean; readonly front: BranchFront },
): ModelProto {
  const model = buildEmbeddingModel(backbone, spec, { flipTta: options.flipTta });
  const { affine, resizeTo } = options.front;
  if (!affine && !resizeTo) return model;
  const graph = graphOf(model);
  const fronted = 'image_front';
  for (const n of graph.node!) n.input = (n.input ?? []).map((i) => (i === tensorNames.image ? fronted : i));
  const nodes = [];
  let current: string = tensorNames.image;
  if (affine) {
    graph.initializer!.push(
      floatTensor('front_scale', [1, 3, 1, 1], affine.scale),
      floatTensor('front_shift', [1, 3, 1, 1], affine.shift),
    );
    const last = resizeTo ? 'image_renormalised' : fronted;
    nodes.push(
      node('Mul', [current, 'front_scale'], ['image_rescaled']),
      node('Add', ['image_rescaled', 'front_shift'], [last]),
    );
    current = last;
  }
  if (resizeTo) {
    // Sizes from the input's own batch and channels plus the target side: opset 11's Resize takes roi and
    // scales as (empty) inputs, later opsets accept the same form.
    graph.initializer!.push(
      int64Tensor('front_head_starts', [0]),
      int64Tensor('front_head_ends', [2]),
      int64Tensor('front_side', [resizeTo, resizeTo]),
      floatTensor('front_roi', [0], []),
      floatTensor('front_scales', [0], []),
    );
    nodes.push(
      node('Shape', [current], ['front_input_shape']),
      node('Slice', ['front_input_shape', 'front_head_starts', 'front_head_ends'], ['front_batch_channels']),
      node('Concat', ['front_batch_channels', 'front_side'], ['front_sizes'], { axis: 0 }),
      node('Resize', [current, 'front_roi', 'front_scales', 'front_sizes'], [fronted], {
        mode: 'linear',
        coordinate_transformation_mode: 'half_pixel',
      }),
    );
  }
  graph.node!.unshift(...nodes);
  return model;
}
