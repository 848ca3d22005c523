import type { DatasetItem } from '../data/index.js';
import { classificationReport } from '../evaluation/index.js';
import {
  blend,
  cosineSimilarities,
  type HeadWeights,
  memoryBankUnit,
  memoryProbabilities,
  type NeighbourMemory,
  predictHead,
  quantiseBank,
  type TrainingSet,
  unitRows,
} from '../models/index.js';
import { toTrainingSet } from './training-set.js';

export interface MemoryRow {
  readonly temperature: number;
  readonly weight: number;
  readonly validation_top1: number;
  readonly validation_macro_f1: number;
}

/**
 * Chooses the memory's temperature and share on validation, with a bank of train photos only (centre views)
 * and the head trained on train only, so validation stays unseen by both parts.
 */
export function searchMemory(
  grid: { readonly temperature: readonly number[]; readonly weight: readonly number[] },
  head: HeadWeights,
  trainSet: TrainingSet,
  train: readonly DatasetItem[],
  trainEmbeddings: readonly Float32Array[][],
  validation: TrainingSet,
  classes: readonly string[],
): MemoryRow[] {
  const headProbabilities = predictHead(head, validation.features, validation.width);
  const bank = toTrainingSet(train, trainEmbeddings, trainSet.width, trainSet.classes, 'centre');
  const quantised = quantiseBank(bank.features);
  const similarities = cosineSimilarities(
    unitRows(validation.features, validation.width),
    memoryBankUnit({ ...quantised, width: bank.width }),
    bank.width,
  );
  const rows: MemoryRow[] = [];
  for (const temperature of grid.temperature) {
    const memory = memoryProbabilities(similarities, bank.labels, trainSet.classes, temperature);
    for (const weight of grid.weight) {
      const report = classificationReport(
        blend(headProbabilities, memory, weight),
        validation.labels,
        classes,
      );
      rows.push({ temperature, weight, validation_top1: report.top1, validation_macro_f1: report.macro_f1 });
    }
  }
  return rows;
}

export function buildMemory(
  items: readonly DatasetItem[],
  embeddings: readonly Float32Array[][],
  width: number,
  choice: MemoryRow,
): NeighbourMemory {
  const bank = toTrainingSet(items, embeddings, width, 0, 'centre');
  return {
    ...quantiseBank(bank.features),
    width,
    labels: bank.labels,
    temperature: choice.temperature,
    weight: choice.weight,
  };
}
