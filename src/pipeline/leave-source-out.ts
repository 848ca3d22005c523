import { basename } from 'node:path';
import { type Dataset, type DatasetItem, readDataset } from '../data/index.js';
import { type ModelStoreOptions, predictHead, trainHead } from '../models/index.js';
import { type Recipe, recipeBackbones } from '../recipes/index.js';
import { type FittedHead, fitRecipeHead, hyperParameters } from './fit-head.js';
import { rememberedLeaveSourceOut } from './leave-source-out-cache.js';
import { type Figures, figuresOf, peerProbabilities } from './peer.js';
import { openRecipeEmbedder } from './recipe-embeddings.js';
import { toTrainingSet } from './training-set.js';

export interface FoldResult extends Figures {
  readonly source: string;
  /** Photos the fold's head was fitted on (train + validation of every other source). */
  readonly training_n: number;
  /** Classes of the held-out source that no other source shows: the fold cannot get those right. */
  readonly classes_unseen: readonly string[];
}

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

/** What a recipe's centre-crop embeddings depend on (the key of its remembered leave-source-out figures). */
export function embeddedAs(model: Recipe['model']): unknown {
  return [recipeBackbones(model), model.precision, model.tta.flip];
}

/** A photo with its per-view embeddings (centre first), every backbone's concatenated. */
export type EmbeddedItem = { readonly item: DatasetItem; readonly embedding: Float32Array[] };
type Embedded = EmbeddedItem;

export interface LeaveSourceOutInput {
  readonly dataset: Dataset;
  /** The readable photos with their embeddings (computed once; `gourmetgram study` slices them per combination). */
  readonly usable: readonly EmbeddedItem[];
  readonly width: number;
  /** The recipe's training section: its l2, class balancing and memory grids (views and hidden sizes ignored). */
  readonly training: Recipe['model']['training'];
  readonly log?: (line: string) => void;
}

/**
 * The protocol on embeddings already computed: one fold per source (the cheap head fitted on every other
 * source, all photos of the held-out one scored), the folds' predictions pooled, and the same head on the
 * ordinary split for comparison.
 */
export function leaveSourceOutOn(input: LeaveSourceOutInput): {
  readonly split: Figures;
  /** The ordinary split's head on its validation photos (train-only head, the figure its choices were made on). */
  readonly validation: FittedHead['validation'];
  readonly pooled: Figures;
  readonly folds: readonly FoldResult[];
  readonly sources: readonly string[];
} {
  const { dataset, usable, width, training } = input;
  const log = input.log ?? (() => {});
  const fit = (train: readonly Embedded[], test: readonly Embedded[]) =>
    predictFold(training, dataset, width, train, test);
  const sources = [...new Set(usable.map((u) => u.item.source))].sort();
  const { folds, pooled } = runFolds(usable, sources, fit, dataset.classes, log);
  const ordinaryTest = usable.filter((u) => u.item.split === 'test');
  const ordinary = fitAndPredict(
    training,
    dataset,
    width,
    usable.filter((u) => u.item.split !== 'test'),
    ordinaryTest,
  );
  const split = figuresOf(ordinary.probabilities, labelsOf(ordinaryTest), dataset.classes);
  const pooledFigures = figuresOf(
    concat(pooled.map((p) => p.probabilities)),
    pooled.map((p) => p.item.label),
    dataset.classes,
  );
  log(
    `pooled over ${folds.length} held-out sources: top-1 ${pooledFigures.top1.toFixed(3)}; ordinary split ${split.top1.toFixed(3)}`,
  );
  return { split, validation: ordinary.validation, pooled: pooledFigures, folds, sources };
}

/** One fold per source: fit on the others' train files, predict every photo of the held-out source. */
function runFolds(
  usable: readonly Embedded[],
  sources: readonly string[],
  fit: (train: readonly Embedded[], test: readonly Embedded[]) => Float32Array,
  classes: readonly string[],
  log: (line: string) => void,
) {
  const folds: FoldResult[] = [];
  const pooled: { item: DatasetItem; probabilities: Float32Array }[] = [];
  for (const source of sources) {
    const training = usable.filter((u) => u.item.source !== source && u.item.split !== 'test');
    const held = usable.filter((u) => u.item.source === source);
    const probabilities = fit(training, held);
    held.forEach((u, i) => {
      pooled.push({
        item: u.item,
        probabilities: probabilities.subarray(i * classes.length, (i + 1) * classes.length),
      });
    });
    const seen = new Set(training.map((u) => u.item.label));
    const fold: FoldResult = {
      source,
      training_n: training.length,
      classes_unseen: [...new Set(held.map((u) => u.item.label))]
        .filter((label) => !seen.has(label))
        .map((label) => classes[label]!),
      ...figuresOf(probabilities, labelsOf(held), classes),
    };
    folds.push(fold);
    log(
      `held out ${source}: n=${fold.n} top-1 ${fold.top1.toFixed(3)} [${fold.interval.map((v) => v.toFixed(3)).join(', ')}]${
        fold.classes_unseen.length ? ` (never seen: ${fold.classes_unseen.join(', ')})` : ''
      }`,
    );
  }
  return { folds, pooled };
}

/**
 * A fold's predictions. With nothing to choose (one grid point, no memory) the head fitted on train + validation
 * is the whole fit: the train-only head would only choose and calibrate, and a temperature never moves an
 * argmax, so every figure a fold reports is the same at half the cost.
 */
function predictFold(
  training: Recipe['model']['training'],
  dataset: Dataset,
  width: number,
  train: readonly Embedded[],
  test: readonly Embedded[],
): Float32Array {
  const { l2, balance_classes } = training.search;
  if (l2.length > 1 || balance_classes.length > 1 || training.memory)
    return fitAndPredict(training, dataset, width, train, test).probabilities;
  // The order fitRecipeHead refits in: the train split's photos, then the validation split's.
  const ordered = [
    ...train.filter((u) => u.item.split === 'train'),
    ...train.filter((u) => u.item.split === 'validation'),
  ];
  const classes = dataset.classes.length;
  const head = trainHead(
    toTrainingSet(
      ordered.map((u) => u.item),
      ordered.map((u) => u.embedding),
      width,
      classes,
      'centre',
    ),
    hyperParameters(training, 0, l2[0]!, balance_classes[0]!),
  );
  const set = toTrainingSet(
    test.map((u) => u.item),
    test.map((u) => u.embedding),
    width,
    classes,
    'centre',
  );
  return predictHead(head, set.features, width);
}

/** Fits the cheap head on `train` (its validation photos for the choices) and predicts `test`. */
function fitAndPredict(
  training: Recipe['model']['training'],
  dataset: Dataset,
  width: number,
  train: readonly Embedded[],
  test: readonly Embedded[],
): { probabilities: Float32Array; validation: FittedHead['validation'] } {
  const part = (split: string) => {
    const rows = train.filter((u) => u.item.split === split);
    return { items: rows.map((u) => u.item), embeddings: rows.map((u) => u.embedding) };
  };
  const fitted = fitRecipeHead({
    training: { ...training, augment_views: 0, search: { ...training.search, hidden: [0] } },
    classes: dataset.classes,
    width,
    train: part('train'),
    validation: part('validation'),
    views: 'centre',
  });
  const set = toTrainingSet(
    test.map((u) => u.item),
    test.map((u) => u.embedding),
    width,
    dataset.classes.length,
    'centre',
  );
  return { probabilities: predictHead(fitted.head, set.features, width), validation: fitted.validation };
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
      concat(subset.map((u) => u.p)),
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

function labelsOf(rows: readonly { item: DatasetItem }[]): number[] {
  return rows.map((u) => u.item.label);
}

function concat(rows: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(rows.reduce((sum, r) => sum + r.length, 0));
  let offset = 0;
  for (const r of rows) {
    out.set(r, offset);
    offset += r.length;
  }
  return out;
}
