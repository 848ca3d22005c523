import { join } from 'node:path';
import { projectPath } from '../core/index.js';
import { type Dataset, type DatasetItem, itemsOf, readDataset } from '../data/index.js';
import {
  buildHeadModel,
  encodeModel,
  type HeadCard,
  headDir,
  loadHead,
  type ModelStoreOptions,
  saveHead,
} from '../models/index.js';
import type { Recipe } from '../recipes/index.js';
import { evaluateHead, type FittedHead, fitRecipeHead } from './fit-head.js';
import { buildHeadCard } from './head-card.js';
import { embeddedAs } from './leave-source-out.js';
import { rememberedLeaveSourceOut } from './leave-source-out-cache.js';
import { headCardMarkdown } from './model-card.js';
import { type EmbeddedItems, openRecipeEmbedder, type RecipeEmbedder } from './recipe-embeddings.js';
import {
  correctionsMarkdown,
  correctionsProvenance,
  embedCorrections,
  evaluateHeldOut,
  prepareCorrections,
} from './train-corrections.js';
import { toTrainingSet } from './training-set.js';

export type { SearchRow } from './fit-head.js';

export interface TrainRecipeOptions {
  readonly recipe: Recipe;
  readonly dataDir: string;
  readonly store: ModelStoreOptions;
  readonly onProgress?: (stage: string, done: number, total: number) => void;
  readonly log?: (line: string) => void;
  /**
   * User corrections as extra training data (the app's export folder): `holdout` of them (by photo) are kept
   * out to compare the candidate with the serving version, the rest join train, capped at `cap` of it.
   */
  readonly corrections?: { readonly dir: string; readonly cap: number; readonly holdout: number };
}

/**
 * Trains the head a recipe names: embeds the data with every backbone the recipe names (centre crop plus
 * seeded random views for training), makes every choice on a validation split carved from train, refits the
 * winner on train + validation, reports test figures (never used for choosing) and writes head.onnx with its
 * model card.
 */
export async function trainRecipeHead(options: TrainRecipeOptions): Promise<{ card: HeadCard; dir: string }> {
  const started = Date.now();
  const { recipe, store } = options;
  const log = options.log ?? (() => {});
  const training = recipe.model.training;
  const dataset = await readDataset(options.dataDir, { validationFraction: training.validation_fraction });
  const embedder = await openRecipeEmbedder(recipe.model, {
    store,
    seed: training.seed,
    onProgress: options.onProgress,
    log,
  });
  const extra = options.corrections
    ? await prepareCorrections(options.corrections, itemsOf(dataset, 'train').length, training.seed)
    : undefined;
  const { embedded, corrections } = await (async () => {
    const splits = await embedSplits(embedder, dataset, training.augment_views);
    const added = extra ? await embedCorrections(embedder, extra, training.augment_views) : undefined;
    return { embedded: splits, corrections: added };
  })().finally(() => embedder.release());
  const fitted = fitRecipeHead({
    training,
    classes: dataset.classes,
    width: embedder.width,
    train: {
      items: [...itemsOf(dataset, 'train'), ...(extra?.train ?? [])],
      embeddings: [...embedded.train.embeddings, ...(corrections?.train.embeddings ?? [])],
    },
    validation: { items: itemsOf(dataset, 'validation'), embeddings: embedded.validation.embeddings },
    views: 'all',
    log,
  });
  const test = testReport(fitted, dataset, embedded.test, embedder.width);
  log(`test top-1 ${test.top1.toFixed(3)} macro-F1 ${test.macro_f1.toFixed(3)} (n=${test.n})`);
  const outOfSource = await leaveSourceOutOfSplits(recipe, dataset, embedded, embedder.width, {
    log,
    cacheDir: store.cacheDir,
  });
  const headModel = buildHeadModel(fitted.head);
  const headBytes = encodeModel(headModel);
  const previous = await loadHead(recipe.model.head, store.headsDir).catch(() => undefined);
  const built = await buildHeadCard({
    recipe,
    uses: embedder.uses,
    dataset,
    fitted,
    test,
    outOfSource,
    unreadable: embedded.train.unreadable + embedded.validation.unreadable + embedded.test.unreadable,
    previousVersion: previous?.card.version ?? 0,
    headModel,
    headBytes,
    seconds: (Date.now() - started) / 1000,
  });
  const provenance =
    extra && corrections
      ? correctionsProvenance(extra, evaluateHeldOut(fitted, extra, corrections, dataset, embedder.width), {
          serving: previous?.card,
          candidateTest: test.top1,
        })
      : undefined;
  const card: HeadCard = provenance ? { ...built, corrections: provenance } : built;
  // A candidate that fails the promotion gate is written beside the serving head, never over it.
  const headsDir =
    provenance && !provenance.promotion.promote
      ? join(store.headsDir ?? projectPath('models', 'heads'), 'candidates')
      : store.headsDir;
  const markdown = headCardMarkdown(card) + (provenance ? correctionsMarkdown(provenance) : '');
  const dir = await saveHead(headModel, card, markdown, headsDir);
  log(`wrote ${dir} (version ${card.version})`);
  if (provenance)
    log(`promotion: ${provenance.promotion.promote ? 'yes' : 'no'} (${provenance.promotion.reason})`);
  return { card, dir: headDir(card.name, headsDir) };
}

async function embedSplits(embedder: RecipeEmbedder, dataset: Dataset, views: number) {
  const train: EmbeddedItems = await embedder.embed('embedding train', itemsOf(dataset, 'train'), views);
  const validation = await embedder.embed('embedding validation', itemsOf(dataset, 'validation'), views);
  const test = await embedder.embed('embedding test', itemsOf(dataset, 'test'), 0);
  return { train, validation, test };
}

/**
 * The leave-source-out protocol on the centre crops already embedded (no extra backbone work): the card then
 * carries the figure a user meets on photos from sources the head never saw, beside the ordinary test figure.
 */
async function leaveSourceOutOfSplits(
  recipe: Recipe,
  dataset: Dataset,
  embedded: { train: EmbeddedItems; validation: EmbeddedItems; test: EmbeddedItems },
  width: number,
  options: { readonly log: (line: string) => void; readonly cacheDir: string },
) {
  const centre = new Map<DatasetItem, Float32Array[]>();
  for (const split of ['train', 'validation', 'test'] as const)
    itemsOf(dataset, split).forEach((item, i) => {
      const views = embedded[split].embeddings[i]!;
      if (views.length) centre.set(item, views.slice(0, 1));
    });
  // In the data's own order, as `gourmetgram eval --protocol leave-source-out` holds them: the same key.
  const usable = dataset.items.flatMap((item) => {
    const embedding = centre.get(item);
    return embedding ? [{ item, embedding }] : [];
  });
  const result = await rememberedLeaveSourceOut({
    dataset,
    usable,
    width,
    training: recipe.model.training,
    log: options.log,
    embeddedAs: embeddedAs(recipe.model),
    cacheDir: options.cacheDir,
  });
  return { pooled: result.pooled, folds: result.folds };
}

function testReport(fitted: FittedHead, dataset: Dataset, test: EmbeddedItems, width: number) {
  const set = toTrainingSet(
    itemsOf(dataset, 'test'),
    test.embeddings,
    width,
    dataset.classes.length,
    'centre',
  );
  return evaluateHead(fitted.head, set, dataset.classes);
}
