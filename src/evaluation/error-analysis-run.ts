import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { readAllImageFacts, readDataset, type Split } from '../data/index.js';
import { type PackagedModel, preparePackagedModel } from '../models/index.js';
import type { Recipe } from '../recipes/index.js';
import { BatchScorer } from './behaviour.js';
import {
  type AnalysedExample,
  analyseErrors,
  type ErrorAnalysis,
  type SliceThresholds,
} from './error-analysis.js';

export interface ErrorAnalysisRun extends ErrorAnalysis {
  readonly schema: 'gourmetgram.error-analysis/1';
  readonly recipe: string;
  readonly model: { readonly name: string; readonly version: number; readonly sha256: string };
  readonly data: string;
  readonly split: Split;
  readonly unreadable: readonly { file: string; reason: string }[];
}

export interface ErrorAnalysisOptions {
  readonly data: string;
  readonly split: Split;
  readonly mirrorDir?: string | undefined;
  readonly cacheDir: string;
  readonly headsDir?: string | undefined;
  readonly thresholds?: SliceThresholds;
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Scores one split of a dataset with a recipe's packaged model and analyses the errors. Photos that cannot
 * be decoded are listed, not scored.
 */
export async function runErrorAnalysis(
  recipe: Recipe,
  options: ErrorAnalysisOptions,
): Promise<ErrorAnalysisRun> {
  const model: PackagedModel = await preparePackagedModel(recipe.model, {
    mirrorDir: options.mirrorDir,
    cacheDir: options.cacheDir,
    headsDir: options.headsDir,
  });
  const dataset = await readDataset(options.data);
  const items = dataset.items.filter((i) => i.split === options.split);
  const facts = await readAllImageFacts(items.map((i) => i.path));
  const unreadable: { file: string; reason: string }[] = [];
  const examples: AnalysedExample[] = [];
  const paths: string[] = [];
  items.forEach((item, i) => {
    const f = facts[i]!;
    if (!f.ok) {
      unreadable.push({ file: item.file, reason: f.reason });
      return;
    }
    const { width, height, brightness } = f.facts;
    examples.push({ file: item.file, label: item.label, source: item.source, width, height, brightness });
    paths.push(item.path);
  });
  const scorer = await BatchScorer.open(model);
  const k = model.classes.length;
  const probabilities = new Float32Array(paths.length * k);
  try {
    const chunk = 64;
    for (let start = 0; start < paths.length; start += chunk) {
      const bytes = await Promise.all(paths.slice(start, start + chunk).map((p) => readFile(p)));
      probabilities.set(await scorer.score(bytes), start * k);
      options.onProgress?.(Math.min(paths.length, start + chunk), paths.length);
    }
  } finally {
    await scorer.close();
  }
  return {
    schema: 'gourmetgram.error-analysis/1',
    recipe: recipe.name,
    model: { name: model.name, version: model.version, sha256: model.sha256 },
    // The data folder's name only, as the files are named relative to it: the result reads the same anywhere.
    data: basename(resolve(options.data)),
    split: options.split,
    unreadable,
    ...analyseErrors(probabilities, examples, model.classes, { thresholds: options.thresholds }),
  };
}
