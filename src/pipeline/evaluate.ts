import { basename, relative, sep } from 'node:path';
import { type DatasetItem, food11Classes, itemsOf, readDataset, type Split } from '../data/index.js';
import {
  type ClassificationReport,
  classificationReport,
  groupAccuracy,
  wilsonInterval,
} from '../evaluation/index.js';
import {
  extractWithModel,
  type ModelStoreOptions,
  type PackagedModel,
  preparePackagedModel,
  tensorNames,
} from '../models/index.js';
import type { Recipe } from '../recipes/index.js';
import { type Figures, figuresOf, peerProbabilities } from './peer.js';

export interface EvaluationResult {
  readonly recipe: string;
  readonly model: {
    readonly name: string;
    readonly version: number;
    readonly sha256: string;
    readonly bytes: number;
  };
  readonly data: string;
  readonly split: Split;
  readonly n: number;
  readonly top1: number;
  readonly top2: number;
  readonly macro_f1: number;
  readonly ece: number;
  readonly report: ClassificationReport;
  readonly per_source: ReturnType<typeof groupAccuracy>;
  readonly unreadable: readonly { path: string; reason: string }[];
  /** 95 % Wilson interval on top-1. */
  readonly interval: readonly [number, number];
  /** Other teams' models, each with its own head, on the same photos (`--peer`). */
  readonly peers: readonly ({ readonly name: string } & Figures)[];
  readonly seconds: number;
  /** Per item, in dataset order: the file, its label and predicted probabilities (for error analysis). */
  readonly predictions: readonly { file: string; source: string; label: number; probabilities: number[] }[];
}

/** Runs a recipe's packaged model over one split of a dataset and computes every offline metric. */
export async function evaluateRecipe(options: {
  readonly recipe: Recipe;
  readonly dataDir: string;
  readonly split: Split;
  readonly store: ModelStoreOptions;
  readonly peers?: readonly string[];
  readonly onProgress?: (done: number, total: number) => void;
}): Promise<EvaluationResult> {
  const started = Date.now();
  const packaged = await preparePackagedModel(options.recipe.model, options.store);
  const dataset = await readDataset(options.dataDir, {
    validationFraction: options.recipe.model.training.validation_fraction,
  });
  const items = itemsOf(dataset, options.split);
  const { rows, failures } = await classifyItems(packaged, items, options.onProgress);
  const kept = items.filter((_, i) => rows[i] !== undefined);
  const probabilities = new Float32Array(kept.length * packaged.classes.length);
  let k = 0;
  for (const row of rows) if (row) probabilities.set(row, k++ * packaged.classes.length);
  const labels = kept.map((i) => i.label);
  const report = classificationReport(probabilities, labels, packaged.classes);
  const peers = [];
  for (const name of options.peers ?? [])
    peers.push({ name, ...(await scorePeer(name, kept, options.store)) });
  return {
    recipe: options.recipe.name,
    model: { name: packaged.name, version: packaged.version, sha256: packaged.sha256, bytes: packaged.bytes },
    // The data folder by its name only, as data check does: committed results read the same wherever it lies.
    data: basename(dataset.root),
    split: options.split,
    n: report.n,
    top1: report.top1,
    top2: report.top2,
    macro_f1: report.macro_f1,
    ece: report.ece,
    report,
    per_source: groupAccuracy(
      probabilities,
      labels,
      kept.map((i) => i.source),
      packaged.classes.length,
    ),
    // Relative to the data folder, like every other file a result names: committed results stay machine-free.
    unreadable: failures.map((f) => ({
      path: relative(dataset.root, f.path).split(sep).join('/'),
      reason: f.reason.replaceAll(`${dataset.root}${sep}`, ''),
    })),
    interval: wilsonInterval(Math.round(report.top1 * report.n), report.n),
    peers,
    seconds: (Date.now() - started) / 1000,
    predictions: kept.map((item, i) => ({
      file: item.file,
      source: item.source,
      label: item.label,
      probabilities: Array.from(
        probabilities.subarray(i * packaged.classes.length, (i + 1) * packaged.classes.length),
      ),
    })),
  };
}

/** A peer on exactly the photos our model was scored on (a photo it cannot read counts as wrong). */
async function scorePeer(
  name: string,
  items: readonly DatasetItem[],
  store: ModelStoreOptions,
): Promise<Figures> {
  const rows = await peerProbabilities(name, items, store);
  const probabilities = new Float32Array(items.length * 11);
  rows.forEach((row, i) => {
    if (row) probabilities.set(row, i * 11);
  });
  return figuresOf(
    probabilities,
    items.map((i) => i.label),
    food11Classes,
  );
}

/** Class probabilities of each file through the packaged model (undefined where a file cannot be read). */
export async function classifyItems(
  packaged: PackagedModel,
  items: readonly Pick<DatasetItem, 'path'>[],
  onProgress?: (done: number, total: number) => void,
): Promise<{ rows: (Float32Array | undefined)[]; failures: { path: string; reason: string }[] }> {
  const result = await extractWithModel(
    packaged.path,
    items.map((i) => i.path),
    {
      modelKey: packaged.sha256,
      width: packaged.classes.length,
      output: tensorNames.probabilities,
      preprocess: packaged.preprocess,
      onProgress,
    },
  );
  return { rows: result.embeddings.map((views) => views[0]), failures: [...result.failures] };
}
