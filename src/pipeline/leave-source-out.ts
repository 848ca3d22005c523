import { basename } from 'node:path';
import { type Dataset, readDataset } from '../data/index.js';
import type { ModelStoreOptions } from '../models/index.js';
import { type Recipe, recipeBackbones } from '../recipes/index.js';
import type { FittedHead } from './fit-head.js';
import { rememberedLeaveSourceOut } from './leave-source-out-cache.js';
import { concatRows, type EmbeddedItem, type FoldResult } from './leave-source-out-folds.js';
import { type Figures, figuresOf, peerProbabilities } from './peer.js';
import { openRecipeEmbedder } from './recipe-embeddings.js';

export interface PeerFigures {
  readonly name: string;
  readonly split: Figures;
  readonly pooled: Figures;
  readonly folds: readonly (Figures & { readonly source: string })[];
}

export interface LeaveSourceOutResult {
  readonly recipe: string;
  readonly protocol: 'leave-source-out';
  readonly created: string;
  readonly data: string;
  readonly backbones: readonly string[];
  readonly head: string;
  readonly held_out: string;
  /** The same per-fold head fitted on the ordinary split (train → test), for comparison on equal terms. */
  readonly split: Figures;
  /** That head's validation figures (train-only head): what its grid and memory were chosen on. */
  readonly split_validation: FittedHead['validation'];
  readonly pooled: Figures;
  readonly folds: readonly FoldResult[];
  readonly peers: readonly PeerFigures[];
  readonly seconds: number;
}

export interface LeaveSourceOutOptions {
  readonly recipe: Recipe;
  readonly dataDir: string;
  readonly store: ModelStoreOptions;
  /** Backbone names with a `classifier` to score beside ours on the same photos. */
  readonly peers?: readonly string[];
  readonly onProgress?: (stage: string, done: number, total: number) => void;
  readonly log?: (line: string) => void;
}

export const cheapHead =
  "softmax head on centre-crop embeddings per fold (the recipe's backbones, sizes and flip; its l2, class " +
  'balancing and memory grids), every choice made on the validation photos of the training sources';

/**
 * For each source in the data, fits the recipe's head on every other source and scores the photos of the
 * held-out one (both of its splits: the fold never saw any of them); pools the folds' predictions; does the
 * same with the ordinary split for comparison. The per-fold head is the cheap one (see `cheapHead`), so seven
 * folds cost minutes on cached embeddings; the recipe's own head is reported by the ordinary evaluation.
 */
export async function leaveSourceOut(options: LeaveSourceOutOptions): Promise<LeaveSourceOutResult> {
  const started = Date.now();
  const { recipe } = options;
  const log = options.log ?? (() => {});
  const dataset = await readDataset(options.dataDir, {
    validationFraction: recipe.model.training.validation_fraction,
  });
  const embedder = await openRecipeEmbedder(recipe.model, {
    store: options.store,
    seed: recipe.model.training.seed,
    onProgress: options.onProgress,
    log,
  });
  const embedded = await embedder
    .embed('embedding every photo', dataset.items, 0)
    .finally(() => embedder.release());
  const usable: EmbeddedItem[] = dataset.items.flatMap((item, i) =>
    embedded.embeddings[i]!.length ? [{ item, embedding: embedded.embeddings[i]! }] : [],
  );
  const { split, validation, pooled, folds, sources } = await rememberedLeaveSourceOut({
    dataset,
    usable,
    width: embedder.width,
    training: recipe.model.training,
    log,
    embeddedAs: embeddedAs(recipe.model),
    cacheDir: options.store.cacheDir,
  });
  const peers = [];
  for (const name of options.peers ?? []) peers.push(await scorePeer(name, dataset, sources, options));
  return {
    recipe: recipe.name,
    protocol: 'leave-source-out',
    created: new Date().toISOString(),
    // The data folder by its name only, as data check does: committed results read the same wherever it lies.
    data: basename(dataset.root),
    backbones: recipeBackbones(recipe.model).map((b) => `${b.name}@${b.input_size}`),
    head: cheapHead,
    held_out:
      "every photo of the held-out source (its train and test files); training: the other sources' train files",
    split,
    split_validation: validation,
    pooled,
    folds,
    peers,
    seconds: (Date.now() - started) / 1000,
  };
}

/** What a recipe's centre-crop embeddings depend on (the key of its remembered leave-source-out figures). */ export function embeddedAs(
  model: Recipe['model'],
): unknown {
  return [recipeBackbones(model), model.precision, model.tta.flip];
}
/** The peer on exactly the photos each of our figures uses. */
async function scorePeer(
  name: string,
  dataset: Dataset,
  sources: readonly string[],
  options: LeaveSourceOutOptions,
): Promise<PeerFigures> {
  const rows = await peerProbabilities(name, dataset.items, options.store, (done, total) =>
    options.onProgress?.(`peer ${name}`, done, total),
  );
  const usable = dataset.items.flatMap((item, i) => (rows[i] ? [{ item, p: rows[i]! }] : []));
  const score = (subset: typeof usable) =>
    figuresOf(
      concatRows(subset.map((u) => u.p)),
      subset.map((u) => u.item.label),
      dataset.classes,
    );
  return {
    name,
    split: score(usable.filter((u) => u.item.split === 'test')),
    pooled: score(usable),
    folds: sources.map((source) => ({ source, ...score(usable.filter((u) => u.item.source === source)) })),
  };
}
