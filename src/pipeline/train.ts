import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { type Dataset, type DatasetItem, datasetFingerprint, itemsOf, readDataset } from '../data/index.js';
import { classificationReport } from '../evaluation/metrics.js';
import {
  buildEmbeddingModel,
  buildHeadModel,
  calibrate,
  countParameters,
  createOnnxSession,
  decodeModel,
  dequantizeModel,
  EmbeddingCache,
  encodeModel,
  extractEmbeddings,
  fitTemperature,
  type HeadCard,
  type HeadHyperParameters,
  type HeadWeights,
  headDir,
  loadBackboneSpec,
  loadHead,
  type ModelStoreOptions,
  predictHead,
  preprocessFor,
  resolveBackbone,
  saveHead,
  type TrainingSet,
  trainHead,
} from '../models/index.js';
import type { Recipe } from '../recipes/index.js';
import { randomView, seededRandom } from '../vision/index.js';
import { buildMemory, searchMemory } from './memory-search.js';
import { headCardMarkdown } from './model-card.js';
import { toTrainingSet } from './training-set.js';

export interface TrainRecipeOptions {
  readonly recipe: Recipe;
  readonly dataDir: string;
  readonly store: ModelStoreOptions;
  readonly onProgress?: (stage: string, done: number, total: number) => void;
  readonly log?: (line: string) => void;
}

export interface SearchRow {
  readonly hidden: number;
  readonly l2: number;
  readonly balance_classes: boolean;
  readonly validation_top1: number;
  readonly validation_macro_f1: number;
  readonly seconds: number;
}

/**
 * Trains the head a recipe names: embeds the data (centre crop plus seeded random views for training),
 * searches the recipe's grid on a validation split carved from train, refits the winner on train + validation,
 * reports test figures (never used for choosing) and writes head.onnx with its model card.
 */
export async function trainRecipeHead(options: TrainRecipeOptions): Promise<{ card: HeadCard; dir: string }> {
  const started = Date.now();
  const { recipe, store } = options;
  const log = options.log ?? (() => {});
  const training = recipe.model.training;
  const dataset = await readDataset(options.dataDir, { validationFraction: training.validation_fraction });
  const spec = await loadBackboneSpec(recipe.model.backbone);
  const backbone = await resolveBackbone(spec, {
    mirrorDir: store.mirrorDir,
    cacheDir: join(store.cacheDir, 'backbones'),
  });
  let backboneBytes: Uint8Array = await readFile(backbone.path);
  if (recipe.model.precision === 'fp32')
    backboneBytes = encodeModel(dequantizeModel(decodeModel(backboneBytes)));
  const session = await createOnnxSession(
    encodeModel(buildEmbeddingModel(backboneBytes, spec, { flipTta: recipe.model.tta.flip })),
    { intraOpThreads: availableParallelism(), graphOptimizationLevel: 'all' },
  );
  const preprocess = preprocessFor(spec, recipe.model.input_size);
  const cache = new EmbeddingCache(join(store.cacheDir, 'embeddings'));
  const modelKey = `${spec.sha256}:${recipe.model.precision}:flip=${recipe.model.tta.flip}`;
  const embed = async (stage: string, items: readonly DatasetItem[], views: number) => {
    const result = await extractEmbeddings(
      items.map((i) => i.path),
      {
        session,
        modelKey,
        width: spec.embedding.width,
        preprocess,
        cache,
        viewsFor:
          views > 0
            ? (index, width, height) => {
                const random = seededRandom(hash32(`${training.seed}:${items[index]!.file}`));
                return [undefined, ...Array.from({ length: views }, () => randomView(width, height, random))];
              }
            : undefined,
        onProgress: (done, total) => options.onProgress?.(stage, done, total),
      },
    );
    for (const failure of result.failures) log(`skipped unreadable ${failure.path}: ${failure.reason}`);
    return { embeddings: result.embeddings, unreadable: result.failures.length };
  };
  const train = itemsOf(dataset, 'train');
  const validation = itemsOf(dataset, 'validation');
  const test = itemsOf(dataset, 'test');
  const trainEmb = await embed('embedding train', train, training.augment_views);
  const validationEmb = await embed('embedding validation', validation, training.augment_views);
  const testEmb = await embed('embedding test', test, 0);
  await session.release();

  const width = spec.embedding.width;
  const classes = dataset.classes.length;
  const trainSet = toTrainingSet(train, trainEmb.embeddings, width, classes, 'all');
  const validationCentre = toTrainingSet(validation, validationEmb.embeddings, width, classes, 'centre');
  const search: SearchRow[] = [];
  const searchedHeads: HeadWeights[] = [];
  for (const hidden of training.search.hidden)
    for (const l2 of training.search.l2)
      for (const balance of training.search.balance_classes) {
        const t0 = Date.now();
        const head = trainHead(trainSet, hyper(training, hidden, l2, balance));
        const report = evaluateHead(head, validationCentre, dataset.classes);
        const row = {
          hidden,
          l2,
          balance_classes: balance,
          validation_top1: report.top1,
          validation_macro_f1: report.macro_f1,
          seconds: (Date.now() - t0) / 1000,
        };
        search.push(row);
        searchedHeads.push(head);
        log(
          `search hidden=${hidden} l2=${l2} balance=${balance}: validation top-1 ${fmt(row.validation_top1)} macro-F1 ${fmt(row.validation_macro_f1)}`,
        );
      }
  const best = [...search].sort(
    (a, b) =>
      b.validation_top1 - a.validation_top1 ||
      b.validation_macro_f1 - a.validation_macro_f1 ||
      a.hidden - b.hidden ||
      b.l2 - a.l2,
  )[0]!;
  log(
    `chose hidden=${best.hidden} l2=${best.l2} balance=${best.balance_classes}; refitting on train + validation`,
  );
  const params = hyper(training, best.hidden, best.l2, best.balance_classes);
  const refitSet = toTrainingSet(
    [...train, ...validation],
    [...trainEmb.embeddings, ...validationEmb.embeddings],
    width,
    classes,
    'all',
  );
  const memorySearch = training.memory
    ? searchMemory(
        training.memory,
        searchedHeads[search.indexOf(best)]!,
        trainSet,
        train,
        trainEmb.embeddings,
        validationCentre,
        dataset.classes,
      )
    : [];
  const memoryChoice = [...memorySearch].sort(
    (a, b) =>
      b.validation_top1 - a.validation_top1 ||
      b.validation_macro_f1 - a.validation_macro_f1 ||
      a.weight - b.weight,
  )[0];
  for (const row of memorySearch)
    log(
      `memory temperature=${row.temperature} weight=${row.weight}: validation top-1 ${fmt(row.validation_top1)} macro-F1 ${fmt(row.validation_macro_f1)}`,
    );
  const useMemory = memoryChoice !== undefined && memoryChoice.weight > 0;
  // Temperature scaling is fitted on validation with the train-only head (and train-only memory), like the rest.
  const trainOnlyHead: HeadWeights = {
    ...searchedHeads[search.indexOf(best)]!,
    ...(useMemory ? { memory: buildMemory(train, trainEmb.embeddings, width, memoryChoice) } : {}),
  };
  const validationProbabilities = predictHead(trainOnlyHead, validationCentre.features, width);
  const temperature = fitTemperature(validationProbabilities, validationCentre.labels, classes);
  const eceBefore = classificationReport(
    validationProbabilities,
    validationCentre.labels,
    dataset.classes,
  ).ece;
  const eceAfter = classificationReport(
    calibrate(validationProbabilities, classes, temperature),
    validationCentre.labels,
    dataset.classes,
  ).ece;
  log(
    `calibration: temperature ${temperature.toFixed(3)}, validation ECE ${eceBefore.toFixed(3)} → ${eceAfter.toFixed(3)}`,
  );
  const layers = trainHead(refitSet, params);
  const head: HeadWeights = {
    ...layers,
    temperature,
    ...(useMemory
      ? {
          memory: buildMemory(
            [...train, ...validation],
            [...trainEmb.embeddings, ...validationEmb.embeddings],
            width,
            memoryChoice,
          ),
        }
      : {}),
  };
  const chosenValidation = useMemory ? memoryChoice : best;
  const testReport = evaluateHead(
    head,
    toTrainingSet(test, testEmb.embeddings, width, classes, 'centre'),
    dataset.classes,
  );
  log(`test top-1 ${fmt(testReport.top1)} macro-F1 ${fmt(testReport.macro_f1)} (n=${testReport.n})`);

  const headModel = buildHeadModel(head);
  const headBytes = encodeModel(headModel);
  const previous = await loadHead(recipe.model.head, store.headsDir).catch(() => undefined);
  const card: HeadCard = {
    name: recipe.model.head,
    version: (previous?.card.version ?? 0) + 1,
    created: new Date().toISOString(),
    backbone: { name: spec.name, sha256: spec.sha256, precision: recipe.model.precision },
    input_size: recipe.model.input_size,
    flip_tta: recipe.model.tta.flip,
    classes: [...dataset.classes],
    preprocessing: {
      resize: `shorter side to round(${recipe.model.input_size} / ${spec.input.cropFraction}), centre crop ${recipe.model.input_size}`,
      crop_fraction: spec.input.cropFraction,
      mean: [...spec.input.mean],
      std: [...spec.input.std],
      layout: 'NCHW RGB float32',
    },
    hyper_parameters: {
      ...params,
      augment_views: training.augment_views,
      refit_on: 'train+validation',
      temperature,
      memory: head.memory
        ? {
            temperature: head.memory.temperature,
            weight: head.memory.weight,
            size: head.memory.labels.length,
          }
        : null,
    },
    search: search.map((r) => ({ ...r })),
    memory_search: memorySearch.map((r) => ({ ...r })),
    data: {
      root: dataset.root,
      layout: dataset.layout,
      fingerprint: await datasetFingerprint(dataset.items),
      counts: countSplits(dataset),
      unreadable: trainEmb.unreadable + validationEmb.unreadable + testEmb.unreadable,
    },
    validation: {
      n: validationCentre.labels.length,
      top1: chosenValidation.validation_top1,
      macro_f1: chosenValidation.validation_macro_f1,
      ece_uncalibrated: eceBefore,
      ece: eceAfter,
    },
    test: {
      n: testReport.n,
      top1: testReport.top1,
      macro_f1: testReport.macro_f1,
      top2: testReport.top2,
      ece: testReport.ece,
    },
    training_seconds: (Date.now() - started) / 1000,
    parameters: countParameters(headModel),
    sha256: createHash('sha256').update(headBytes).digest('hex'),
  };
  const dir = await saveHead(headModel, card, headCardMarkdown(card), store.headsDir);
  log(`wrote ${dir} (version ${card.version})`);
  return { card, dir: headDir(card.name, store.headsDir) };
}

function evaluateHead(head: HeadWeights, set: TrainingSet, classes: readonly string[]) {
  return classificationReport(predictHead(head, set.features, set.width), set.labels, classes);
}

function hyper(
  training: Recipe['model']['training'],
  hidden: number,
  l2: number,
  balance: boolean,
): HeadHyperParameters {
  return {
    hidden,
    l2,
    epochs: training.epochs,
    batchSize: 128,
    learningRate: hidden > 0 ? 1e-3 : 3e-3,
    balanceClasses: balance,
    seed: training.seed,
  };
}

function countSplits(dataset: Dataset): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of dataset.items) counts[item.split] = (counts[item.split] ?? 0) + 1;
  return counts;
}

function hash32(text: string): number {
  return createHash('sha1').update(text).digest().readUInt32BE(0);
}

function fmt(value: number): string {
  return value.toFixed(3);
}
