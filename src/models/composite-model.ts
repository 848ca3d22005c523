import type { PreprocessSpec } from '../vision/index.js';
import { type BackboneUse, branchFront, buildBranchModel } from './backbone-branch.js';
import { preprocessFor } from './backbone-spec.js';
import { tensorNames } from './embedding-model.js';
import { appendGraph, graphOf, type ModelProto, newModel, node, valueInfo } from './onnx-graph.js';
import { defaultOpset, upgradeOpset } from './opset-upgrade.js';

/**
 * The input every backbone of a model shares: one decode, one crop and one resize on the host, cropped and
 * normalised as the first backbone asks, at the largest side any backbone uses (the others resize in-graph).
 */
export function modelInputFor(uses: readonly BackboneUse[]): PreprocessSpec {
  const first = uses[0];
  if (!first) throw new Error('bug: a model needs at least one backbone');
  return preprocessFor(first.spec, Math.max(...uses.map((u) => u.size)));
}

/** Total width of the concatenated embedding the head reads. */
export function embeddingWidthOf(uses: readonly BackboneUse[]): number {
  return uses.reduce((sum, u) => sum + u.spec.embedding.width, 0);
}

/**
 * One embedding graph for several backbones: `image` [batch, 3, h, w] → each backbone's branch (its front,
 * its graph, flip averaging) → their embeddings concatenated in the order given → `embedding`. Each branch
 * is the graph whose embeddings the trainer caches for that backbone, so training and serving see the same
 * numbers. One backbone gives exactly its single-backbone graph.
 */
export function buildCompositeEmbeddingModel(
  uses: readonly BackboneUse[],
  files: readonly Uint8Array[],
  options: { readonly flipTta: boolean },
): ModelProto {
  const input = modelInputFor(uses);
  const branches = uses.map((use, i) =>
    buildBranchModel(files[i]!, use.spec, { flipTta: options.flipTta, front: branchFront(input, use) }),
  );
  if (branches.length === 1) return branches[0]!;
  const opset = Math.max(...branches.map(defaultOpset));
  branches.forEach((branch, i) => {
    upgradeOpset(branch, opset, uses[i]!.spec.name);
  });
  const model = newModel(
    {
      name: 'embeddings',
      node: [],
      initializer: [],
      input: [valueInfo(tensorNames.image, ['batch', 3, 'height', 'width'])],
      output: [],
    },
    1,
  );
  model.opsetImport = highestOpsets(branches);
  model.irVersion = Math.max(...branches.map((b) => Number(b.irVersion ?? 7)));
  const parts = branches.map(
    (branch, i) =>
      appendGraph(model, branch, `b${i}/`, { [tensorNames.image]: tensorNames.image })[
        tensorNames.embedding
      ]!,
  );
  graphOf(model).node!.push(node('Concat', parts, [tensorNames.embedding], { axis: 1 }));
  graphOf(model).output = [valueInfo(tensorNames.embedding, ['batch', embeddingWidthOf(uses)])];
  return model;
}

/**
 * Per domain, the highest opset any branch imports (the default domain's already raised in every branch by
 * `upgradeOpset`); a test checks each branch's embedding inside the composite against the branch alone.
 */
function highestOpsets(models: readonly ModelProto[]): ModelProto['opsetImport'] {
  const best = new Map<string, number>();
  for (const m of models)
    for (const o of m.opsetImport ?? [])
      best.set(o.domain ?? '', Math.max(best.get(o.domain ?? '') ?? 0, Number(o.version)));
  return [...best].map(([domain, version]) => ({ domain, version }));
}
