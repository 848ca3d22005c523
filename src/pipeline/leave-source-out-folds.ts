// The leave-source-out protocol on embeddings already computed: pure head fitting and scoring, no I/O; the
// cache (leave-source-out-cache.ts) and the verb (leave-source-out.ts) both build on it.
import type { Dataset, DatasetItem } from '../data/index.js';
import { predictHead, trainHead } from '../models/index.js';
import type { Recipe } from '../recipes/index.js';
import { type FittedHead, fitRecipeHead, hyperParameters } from './fit-head.js';
import { type Figures, figuresOf } from './peer.js';
import { toTrainingSet } from './training-set.js';

export interface FoldResult extends Figures {
  readonly source: string;
  /** Photos the fold's head was fitted on (train + validation of every other source). */
  readonly training_n: number;
  /** Classes of the held-out source that no other source shows: the fold cannot get those right. */
  readonly classes_unseen: readonly string[];
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
    concatRows(pooled.map((p) => p.probabilities)),
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

function labelsOf(rows: readonly { item: DatasetItem }[]): number[] {
  return rows.map((u) => u.item.label);
}

export function concatRows(rows: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(rows.reduce((sum, r) => sum + r.length, 0));
  let offset = 0;
  for (const r of rows) {
    out.set(r, offset);
    offset += r.length;
  }
  return out;
}
