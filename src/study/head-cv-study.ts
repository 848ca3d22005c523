import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { itemsOf, readDataset } from '../data/index.js';
import type { ModelStoreOptions } from '../models/index.js';
import {
  type CrossValidationRow,
  crossValidateHeads,
  type EmbeddedItems,
  type HeadVariant,
  hyperParameters,
  openRecipeEmbedder,
} from '../pipeline/index.js';
import type { Recipe } from '../recipes/index.js';
import { StudyError } from './errors.js';

export interface HeadCvStudyOptions {
  readonly recipe: Recipe;
  readonly dataDir: string;
  readonly store: ModelStoreOptions;
  /** Random views per training photo to compare (the recipe's own among them, as a rule). */
  readonly views: readonly number[];
  readonly folds: number;
  readonly outDir: string;
  readonly log: (line: string) => void;
  readonly onProgress?: (stage: string, done: number, total: number) => void;
}

export interface HeadCvStudyResult {
  readonly schema: 'gourmetgram.study-head-cv/1';
  readonly created: string;
  readonly machine: { readonly cores: number; readonly node: string; readonly load_average: number[] };
  readonly data: { readonly root: string; readonly photos: number; readonly unreadable: number };
  readonly recipe: string;
  readonly protocol: string;
  readonly folds: number;
  readonly rows: readonly CrossValidationRow[];
}

/**
 * `gourmetgram study --head-cv`: the recipe's head grid crossed with numbers of training views, each scored by
 * group k-fold cross-validation over train + validation (test is never read). Writes
 * <outDir>/<recipe>/head-cv.json.
 */
export async function runHeadCvStudy(options: HeadCvStudyOptions): Promise<HeadCvStudyResult> {
  const { recipe } = options;
  const training = recipe.model.training;
  if (options.folds < 2) throw new StudyError(`--folds must be at least 2, got ${options.folds}`);
  const dataset = await readDataset(options.dataDir, {
    validationFraction: training.validation_fraction,
  });
  const candidates = itemsOf(dataset, 'train', 'validation');
  const embedder = await openRecipeEmbedder(recipe.model, {
    store: options.store,
    seed: training.seed,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    log: options.log,
  });
  let embedded: EmbeddedItems;
  try {
    embedded = await embedder.embed('train + validation', candidates, Math.max(...options.views));
  } finally {
    await embedder.release();
  }
  const readable = candidates.map((_, i) => i).filter((i) => embedded.embeddings[i]!.length > 0);
  const variants: HeadVariant[] = options.views.flatMap((views) =>
    training.search.hidden.flatMap((hidden) =>
      training.search.l2.map((l2) => ({
        label: `hidden ${hidden}, l2 ${l2}, ${views} views`,
        views,
        params: hyperParameters(training, hidden, l2, training.search.balance_classes[0]!),
      })),
    ),
  );
  const rows = await crossValidateHeads({
    items: readable.map((i) => candidates[i]!),
    embeddings: readable.map((i) => embedded.embeddings[i]!),
    width: embedder.width,
    classes: dataset.classes,
    variants,
    folds: options.folds,
    onFit: (done, total) => options.onProgress?.('head fits', done, total),
  });
  for (const row of rows)
    options.log(
      `${row.label}: top-1 ${pct(row.top1)} [${pct(row.interval[0])}, ${pct(row.interval[1])}], macro-F1 ${pct(row.macro_f1)}; against the first: +${row.versus_first.gained} / -${row.versus_first.lost} photos`,
    );
  const result: HeadCvStudyResult = {
    schema: 'gourmetgram.study-head-cv/1',
    created: new Date().toISOString(),
    machine: { cores: cpus().length, node: process.version, load_average: loadavg() },
    data: {
      root: basename(resolve(dataset.root)),
      photos: readable.length,
      unreadable: embedded.unreadable,
    },
    recipe: recipe.name,
    protocol:
      `${options.folds}-fold cross-validation by photo group over train + validation (test never read): each ` +
      "fold's head trained on the other folds' centre crops and random views, the fold's centre crops scored by " +
      'the head alone (no memory, no temperature); first grid point of class balancing',
    folds: options.folds,
    rows,
  };
  const dir = join(options.outDir, recipe.name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'head-cv.json'), `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

function pct(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}
