import { readFile } from 'node:fs/promises';
import type { Dataset } from '../data/index.js';
import {
  type BackboneUse,
  buildCompositeEmbeddingModel,
  encodeModel,
  type ModelStoreOptions,
  modelInputFor,
  readBackboneFiles,
} from '../models/index.js';
import {
  type EmbeddedItem,
  type Figures,
  figuresOf,
  openRecipeEmbedder,
  peerProbabilities,
  rememberedLeaveSourceOut,
} from '../pipeline/index.js';
import type { ModelConfig } from '../recipes/index.js';
import { timeOnPhotos } from './model-steps.js';
import type { StudyPeerRow, StudyRow } from './study-result.js';

/** The backbones compared, in the order a recipe names them (the zoo's first: its crop is the model input's). */
export const studyBackbones = [
  { name: 'mobilenetv2-12-int8', short: 'zoo' },
  { name: 'mobilenet-edgetpu-224-1.0-uint8', short: 'edgetpu' },
  { name: 'food11-mobilenetv2-int8', short: 'course' },
] as const;

/** The course's Food-11 model with its own head: the peer row beside ours. */
export const studyPeer = 'food11-mobilenetv2-int8';

/**
 * The head every combination gets: the leave-source-out protocol's cheap head (softmax on centre crops, the
 * recipes' l2 and class balancing), so the rows differ in the backbones only. No memory grid: with nothing to
 * choose, each fold is one fit (the memory's search and bank cost as much again per fold, times eight folds
 * times seven combinations, on two shared cores); the recipe's own head then searches the memory.
 */
export const probeTraining: ModelConfig['training'] = {
  augment_views: 0,
  validation_fraction: 0.2,
  seed: 11,
  epochs: 30,
  search: { hidden: [0], l2: [0.03], balance_classes: [true] },
};

/**
 * Each backbone alone, then every combination led by the first (the zoo's): its crop is the model input's, so
 * these are the models a recipe adding `extra_backbones` to it serves. A combination without it (EdgeTPU +
 * course) costs almost as much as all three and is left out to spare two shared cores a quarter of the study.
 */
export function backboneCombinations(count: number): number[][] {
  const subsets: number[][] = [];
  for (let mask = 1; mask < 1 << count; mask++)
    subsets.push(Array.from({ length: count }, (_, i) => i).filter((i) => mask & (1 << i)));
  return subsets.filter((s) => s.length === 1 || s[0] === 0).sort((a, b) => a.length - b.length);
}

/** Per view, the columns of the chosen backbones out of the full concatenation (each `width` wide). */
export function sliceBackbones(views: readonly Float32Array[], chosen: readonly number[], width: number) {
  return views.map((view) => {
    const out = new Float32Array(chosen.length * width);
    chosen.forEach((b, k) => {
      out.set(view.subarray(b * width, (b + 1) * width), k * width);
    });
    return out;
  });
}

export interface BackboneRowsInput {
  readonly dataset: Dataset;
  readonly store: ModelStoreOptions;
  /** Photos the graphs are timed on (validation photos' bytes). */
  readonly photos: readonly Buffer[];
  readonly iterations: number;
  readonly log: (line: string) => void;
  readonly onProgress?: (stage: string, done: number, total: number) => void;
}

/**
 * One row per backbone combination: every photo embedded once by the three-backbone model's branches (the
 * zoo's 224 px crop, each backbone renormalised to its own mean/std in the graph: exactly what a recipe naming
 * them in this order serves), each combination's columns sliced out; validation and test from the ordinary
 * split, leave-source-out pooled over every source; the combination's embedding graph timed alone.
 */
export async function backboneRows(
  input: BackboneRowsInput,
): Promise<{ rows: StudyRow[]; peer: StudyPeerRow }> {
  const { dataset, log } = input;
  const model: ModelConfig = {
    backbone: studyBackbones[0].name,
    precision: 'int8',
    input_size: 224,
    extra_backbones: studyBackbones.slice(1).map((b) => ({ name: b.name, input_size: 224 })),
    head: 'study-backbones',
    tta: { flip: false },
    training: probeTraining,
  };
  const embedder = await openRecipeEmbedder(model, {
    store: input.store,
    seed: probeTraining.seed,
    onProgress: input.onProgress,
    log,
  });
  const embedded = await embedder
    .embed('embedding every photo', dataset.items, 0)
    .finally(() => embedder.release());
  const all: EmbeddedItem[] = dataset.items.flatMap((item, i) =>
    embedded.embeddings[i]!.length ? [{ item, embedding: embedded.embeddings[i]! }] : [],
  );
  const files = await readBackboneFiles(embedder.uses, 'int8', input.store);
  const rows: StudyRow[] = [];
  for (const chosen of backboneCombinations(studyBackbones.length))
    rows.push(await combinationRow(input, chosen, all, embedder.uses, files));
  return { rows, peer: await peerRow(input) };
}

async function combinationRow(
  input: BackboneRowsInput,
  chosen: readonly number[],
  all: readonly EmbeddedItem[],
  uses: readonly BackboneUse[],
  files: readonly Uint8Array[],
): Promise<StudyRow> {
  const width = uses[0]!.spec.embedding.width;
  const usable = all.map((u) => ({ item: u.item, embedding: sliceBackbones(u.embedding, chosen, width) }));
  const label = chosen.map((b) => studyBackbones[b]!.short).join(' + ');
  const t0 = Date.now();
  // Remembered: a rerun (to time the graphs again on a quieter machine) costs no head fitting.
  const lso = await rememberedLeaveSourceOut({
    dataset: input.dataset,
    usable,
    width: chosen.length * width,
    training: probeTraining,
    embeddedAs: ['study-backbones', chosen.map((b) => `${studyBackbones[b]!.name}@224`), 'int8', false],
    cacheDir: input.store.cacheDir,
  });
  const comboUses = chosen.map((b) => uses[b]!);
  const graph = encodeModel(
    buildCompositeEmbeddingModel(
      comboUses,
      chosen.map((b) => files[b]!),
      { flipTta: false },
    ),
  );
  const speed = await timeOnPhotos(graph, modelInputFor(comboUses), input.photos, {
    threads: 1,
    level: 'all',
    iterations: input.iterations,
  });
  input.log(
    `backbones  ${label.padEnd(26)} val top-1 ${pct(lso.validation.top1)}  test ${pct(lso.split.top1)}  leave-source-out ${pct(lso.pooled.top1)} [${lso.pooled.interval.map(pct).join(', ')}]  p50 ${speed.p50.toFixed(1)} ms  ${(graph.length / 1e6).toFixed(1)} MB  (${((Date.now() - t0) / 1000).toFixed(0)} s)`,
  );
  return {
    group: 'backbones',
    step: label,
    config: {
      backbones: chosen.map((b) => studyBackbones[b]!.name).join('+'),
      input_size: 224,
      flip: false,
      head: 'softmax (l2 0.03, balanced)',
      threads: 1,
      graph_optimization: 'all',
    },
    validation_top1: lso.validation.top1,
    validation_macro_f1: lso.validation.macro_f1,
    test_top1: lso.split.top1,
    test_macro_f1: lso.split.macro_f1,
    test_interval: lso.split.interval,
    leave_source_out: pooledOf(lso.pooled),
    model_bytes: graph.length,
    speed_kind: 'inference',
    p50_ms: speed.p50,
    p99_ms: speed.p99,
    throughput: speed.throughput,
  };
}

/** The course's model as its authors serve it (its own head, its own crop): no speed, it is not a candidate. */
async function peerRow(input: BackboneRowsInput): Promise<StudyPeerRow> {
  const { dataset } = input;
  const probabilities = await peerProbabilities(studyPeer, dataset.items, input.store, (done, total) =>
    input.onProgress?.(`peer ${studyPeer}`, done, total),
  );
  const score = (split?: string) => {
    const kept = dataset.items.flatMap((item, i) =>
      probabilities[i] && (split === undefined || item.split === split)
        ? [{ item, p: probabilities[i]! }]
        : [],
    );
    const joined = new Float32Array(kept.length * dataset.classes.length);
    kept.forEach((k, i) => {
      joined.set(k.p, i * dataset.classes.length);
    });
    return figuresOf(
      joined,
      kept.map((k) => k.item.label),
      dataset.classes,
    );
  };
  const validation = score('validation');
  const test = score('test');
  const pooled = score();
  input.log(
    `peer       ${studyPeer.padEnd(26)} val top-1 ${pct(validation.top1)}  test ${pct(test.top1)}  every photo ${pct(pooled.top1)}`,
  );
  return {
    model: studyPeer,
    head: 'its own 11-way classifier, fed as its authors feed it (224 px, no crop margin)',
    trained_on: 'genuine Food-11 by its authors: it never saw these photos, so every figure is out of source',
    validation,
    test,
    every_photo: pooled,
  };
}

function pooledOf(figures: Figures): NonNullable<StudyRow['leave_source_out']> {
  return { n: figures.n, top1: figures.top1, interval: figures.interval, macro_f1: figures.macro_f1 };
}

function pct(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

export async function timingPhotos(dataset: Dataset, count: number): Promise<Buffer[]> {
  const validation = dataset.items.filter((i) => i.split === 'validation').slice(0, count);
  return Promise.all(validation.map((i) => readFile(i.path)));
}
