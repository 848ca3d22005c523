import type { DatasetItem } from '../data/index.js';
import { classificationReport } from '../evaluation/index.js';
import {
  calibrate,
  defaultHyperParameters,
  fitTemperature,
  type HeadHyperParameters,
  type HeadWeights,
  headLearningRate,
  predictHead,
  type TrainingSet,
  trainHead,
} from '../models/index.js';
import type { Recipe } from '../recipes/index.js';
import { buildMemory, type MemoryRow, searchMemory } from './memory-search.js';
import { toTrainingSet } from './training-set.js';

type Training = Recipe['model']['training'];

export interface SearchRow {
  readonly hidden: number;
  readonly l2: number;
  readonly balance_classes: boolean;
  readonly validation_top1: number;
  readonly validation_macro_f1: number;
  readonly seconds: number;
}

/** Photos with their per-view embeddings (centre first). */
export interface EmbeddedSplit {
  readonly items: readonly DatasetItem[];
  readonly embeddings: readonly Float32Array[][];
}

export interface FitHeadInput {
  readonly training: Training;
  readonly classes: readonly string[];
  readonly width: number;
  readonly train: EmbeddedSplit;
  readonly validation: EmbeddedSplit;
  /** Train on every view (the recipe's augmentation) or on centre crops only (the cheap per-fold head). */
  readonly views: 'all' | 'centre';
  readonly log?: (line: string) => void;
}

export interface FittedHead {
  /** Refit on train + validation, with the memory and temperature chosen on validation. */
  readonly head: HeadWeights;
  readonly params: HeadHyperParameters;
  readonly search: readonly SearchRow[];
  readonly memorySearch: readonly MemoryRow[];
  readonly validation: {
    readonly n: number;
    readonly top1: number;
    readonly macro_f1: number;
    readonly ece_uncalibrated: number;
    readonly ece: number;
  };
}

/**
 * Every choice a recipe leaves open, made on validation only: the head's grid (trained on train), then the
 * memory's temperature and share, then the temperature scaling; finally the chosen head is refit on
 * train + validation and the memory rebuilt over both.
 */
export function fitRecipeHead(input: FitHeadInput): FittedHead {
  const { training, classes, width } = input;
  const log = input.log ?? (() => {});
  const trainSet = toTrainingSet(
    input.train.items,
    input.train.embeddings,
    width,
    classes.length,
    input.views,
  );
  const validationSet = toTrainingSet(
    input.validation.items,
    input.validation.embeddings,
    width,
    classes.length,
    'centre',
  );
  const grid = searchGrid(training, trainSet, validationSet, classes, log);
  const memorySearch = training.memory
    ? searchMemory(
        training.memory,
        grid.head,
        trainSet,
        input.train.items,
        input.train.embeddings,
        validationSet,
        classes,
      )
    : [];
  for (const row of memorySearch)
    log(
      `memory temperature=${row.temperature} weight=${row.weight}: validation top-1 ${fmt(row.validation_top1)} macro-F1 ${fmt(row.validation_macro_f1)}`,
    );
  const memory = [...memorySearch].sort(
    (a, b) =>
      b.validation_top1 - a.validation_top1 ||
      b.validation_macro_f1 - a.validation_macro_f1 ||
      a.weight - b.weight,
  )[0];
  const useMemory = memory !== undefined && memory.weight > 0;
  const calibration = calibrateOnValidation(
    {
      ...grid.head,
      ...(useMemory ? { memory: buildMemory(input.train.items, input.train.embeddings, width, memory) } : {}),
    },
    validationSet,
    classes,
    log,
  );
  const both = [...input.train.items, ...input.validation.items];
  const bothEmbeddings = [...input.train.embeddings, ...input.validation.embeddings];
  const head: HeadWeights = {
    ...trainHead(toTrainingSet(both, bothEmbeddings, width, classes.length, input.views), grid.params),
    temperature: calibration.temperature,
    ...(useMemory ? { memory: buildMemory(both, bothEmbeddings, width, memory) } : {}),
  };
  const chosen = useMemory ? memory : grid.best;
  return {
    head,
    params: grid.params,
    search: grid.rows,
    memorySearch,
    validation: {
      n: validationSet.labels.length,
      top1: chosen.validation_top1,
      macro_f1: chosen.validation_macro_f1,
      ece_uncalibrated: calibration.eceBefore,
      ece: calibration.eceAfter,
    },
  };
}

/** Trains one head per grid point on train and keeps the best on validation (ties: smaller, more regularised). */
function searchGrid(
  training: Training,
  trainSet: TrainingSet,
  validationSet: TrainingSet,
  classes: readonly string[],
  log: (line: string) => void,
) {
  const rows: SearchRow[] = [];
  const heads: HeadWeights[] = [];
  for (const hidden of training.search.hidden)
    for (const l2 of training.search.l2)
      for (const balance of training.search.balance_classes) {
        const t0 = Date.now();
        const head = trainHead(trainSet, hyperParameters(training, hidden, l2, balance));
        const report = evaluateHead(head, validationSet, classes);
        rows.push({
          hidden,
          l2,
          balance_classes: balance,
          validation_top1: report.top1,
          validation_macro_f1: report.macro_f1,
          seconds: (Date.now() - t0) / 1000,
        });
        heads.push(head);
        log(
          `search hidden=${hidden} l2=${l2} balance=${balance}: validation top-1 ${fmt(report.top1)} macro-F1 ${fmt(report.macro_f1)}`,
        );
      }
  const best = [...rows].sort(
    (a, b) =>
      b.validation_top1 - a.validation_top1 ||
      b.validation_macro_f1 - a.validation_macro_f1 ||
      a.hidden - b.hidden ||
      b.l2 - a.l2,
  )[0]!;
  log(`chose hidden=${best.hidden} l2=${best.l2} balance=${best.balance_classes}`);
  return {
    rows,
    best,
    head: heads[rows.indexOf(best)]!,
    params: hyperParameters(training, best.hidden, best.l2, best.balance_classes),
  };
}

/** Temperature scaling fitted on validation with the train-only head (and train-only memory), like the rest. */
function calibrateOnValidation(
  trainOnly: HeadWeights,
  validationSet: TrainingSet,
  classes: readonly string[],
  log: (line: string) => void,
) {
  const probabilities = predictHead(trainOnly, validationSet.features, validationSet.width);
  const temperature = fitTemperature(probabilities, validationSet.labels, classes.length);
  const eceBefore = classificationReport(probabilities, validationSet.labels, classes).ece;
  const eceAfter = classificationReport(
    calibrate(probabilities, classes.length, temperature),
    validationSet.labels,
    classes,
  ).ece;
  log(
    `calibration: temperature ${temperature.toFixed(3)}, validation ECE ${eceBefore.toFixed(3)} → ${eceAfter.toFixed(3)}`,
  );
  return { temperature, eceBefore, eceAfter };
}

export function evaluateHead(head: HeadWeights, set: TrainingSet, classes: readonly string[]) {
  return classificationReport(predictHead(head, set.features, set.width), set.labels, classes);
}

export function hyperParameters(
  training: Training,
  hidden: number,
  l2: number,
  balance: boolean,
): HeadHyperParameters {
  return {
    hidden,
    l2,
    epochs: training.epochs,
    batchSize: defaultHyperParameters.batchSize,
    learningRate: headLearningRate(hidden),
    balanceClasses: balance,
    seed: training.seed,
  };
}

function fmt(value: number): string {
  return value.toFixed(3);
}
