import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { type DatasetItem, itemsOf, readDataset } from '../data/index.js';
import {
  EmbeddingCache,
  type GraphOptimizationLevel,
  loadBackboneSpec,
  type ModelStoreOptions,
  type PackagedModel,
  preparePackagedModel,
  resolveBackbone,
} from '../models/index.js';
import { loadRecipe } from '../recipes/index.js';
import { paretoFront, paretoSvg } from '../report/index.js';
import { StudyError } from './errors.js';
import {
  embedItems,
  type HeadKind,
  headProbabilities,
  type ModelContext,
  type ModelVariant,
  scores,
  timeGraph,
  trainingSet,
  variantGraph,
  variantLabel,
} from './model-steps.js';
import { servingVariants, timeServing } from './serving-steps.js';
import type { StudyResult, StudyRow } from './study-result.js';

export interface StudyOptions {
  readonly dataDir: string;
  readonly store: ModelStoreOptions;
  /** CI-sized: a few photos per class, no test split, short timings. */
  readonly quick: boolean;
  /** Recipe whose packaged model the serving rows use (its head must be trained). */
  readonly servingRecipe: string;
  readonly outDir: string;
  readonly log: (line: string) => void;
  readonly onProgress?: (stage: string, done: number, total: number) => void;
}

const base: ModelVariant = { precision: 'int8', size: 224, flip: false };

/**
 * The ablation: each row changes one choice from the int8 224 px softmax baseline (or from a stated serving
 * setup) and measures accuracy on validation (test only reported) and speed in the same run. Writes
 * study.json and two Pareto SVGs into `outDir`.
 */
export async function runStudy(options: StudyOptions): Promise<StudyResult> {
  const { log, quick } = options;
  const dataset = await readDataset(options.dataDir, { validationFraction: 0.2 });
  const pick = (items: DatasetItem[], perClass: number) =>
    quick ? dataset.classes.flatMap((_, c) => items.filter((i) => i.label === c).slice(0, perClass)) : items;
  const train = pick(itemsOf(dataset, 'train'), 12);
  const validation = pick(itemsOf(dataset, 'validation'), 6);
  const test = quick ? [] : itemsOf(dataset, 'test');
  if (train.length < dataset.classes.length)
    throw new StudyError(`too few training photos under ${options.dataDir}`);
  const spec = await loadBackboneSpec('mobilenetv2-12-int8');
  const backbone = await resolveBackbone(spec, {
    mirrorDir: options.store.mirrorDir,
    cacheDir: join(options.store.cacheDir, 'backbones'),
  });
  const ctx: ModelContext = {
    spec,
    backbone: await readFile(backbone.path),
    cache: new EmbeddingCache(join(options.store.cacheDir, 'embeddings')),
    onProgress: options.onProgress,
  };
  const photos = await Promise.all(validation.slice(0, 32).map((i) => readFile(i.path)));
  const iterations = quick ? 10 : 60;
  const rows: StudyRow[] = [];
  const classes = dataset.classes;

  const inputs: RowInputs = { train, validation, test, classes, ctx, photos, iterations, rows, log };
  const modelRow = (group: string, step: string, v: ModelVariant, heads?: readonly HeadKind[]) =>
    addModelRows(inputs, group, step, v, heads);

  for (const size of [160, 192, 224, 256, 288]) await modelRow('resolution', `${size} px`, { ...base, size });
  await modelRow('tta', 'flip averaged (224 px)', { ...base, flip: true });
  await modelRow('tta', 'flip averaged (288 px)', { ...base, size: 288, flip: true });
  await modelRow('head', '', base, ['softmax', 'mlp', 'softmax+memory']);
  await modelRow('precision', 'fp32 (dequantised)', { ...base, precision: 'fp32' });
  rows.push(...(await ortRows(inputs)));

  rows.push(...(await servingRows(options, validation, quick, log)));

  return writeStudy(options, {
    // the data folder by its name, as eval and data check record it: the file reads the same on every machine
    root: basename(resolve(dataset.root)),
    counts: { train: train.length, validation: validation.length, test: test.length },
    rows,
  });
}

interface RowInputs {
  readonly train: readonly DatasetItem[];
  readonly validation: readonly DatasetItem[];
  readonly test: readonly DatasetItem[];
  readonly classes: readonly string[];
  readonly ctx: ModelContext;
  readonly photos: readonly Buffer[];
  readonly iterations: number;
  readonly rows: StudyRow[];
  readonly log: (line: string) => void;
}

/** One model variant's rows (one per head kind): accuracy on validation (test reported) and speed. */
async function addModelRows(
  inputs: RowInputs,
  group: string,
  step: string,
  v: ModelVariant,
  heads: readonly HeadKind[] = ['softmax'],
): Promise<void> {
  const { train, validation, test, ctx, photos, iterations, rows, log } = inputs;
  const width = ctx.spec.embedding.width;
  const classes = inputs.classes;
  const graph = variantGraph(v, ctx);
  const label = variantLabel(v);
  const tr = await embedItems(v, graph, train, ctx, `${label}: train`);
  const va = await embedItems(v, graph, validation, ctx, `${label}: validation`);
  const te = test.length ? await embedItems(v, graph, test, ctx, `${label}: test`) : undefined;
  const trainSet = trainingSet(tr.rows, tr.kept, width, classes.length);
  const sets = [
    trainingSet(va.rows, va.kept, width, classes.length),
    ...(te ? [trainingSet(te.rows, te.kept, width, classes.length)] : []),
  ];
  const speed = await timeGraph(graph, v, ctx, photos, { threads: 1, level: 'all', iterations });
  for (const head of heads) {
    const [vp, tp] = headProbabilities(head, trainSet, sets);
    const val = scores(vp!, sets[0]!, classes);
    const tst = tp ? scores(tp, sets[1]!, classes) : undefined;
    const row: StudyRow = {
      group,
      step: heads.length > 1 ? head : step,
      config: {
        precision: v.precision,
        input_size: v.size,
        flip: v.flip,
        head,
        threads: 1,
        graph_optimization: 'all',
      },
      validation_top1: val.top1,
      validation_macro_f1: val.macro_f1,
      ...(tst ? { test_top1: tst.top1, test_macro_f1: tst.macro_f1 } : {}),
      speed_kind: 'inference',
      p50_ms: speed.p50,
      p99_ms: speed.p99,
      throughput: speed.throughput,
    };
    rows.push(row);
    log(
      `${row.group.padEnd(10)} ${row.step.padEnd(28)} val top-1 ${(val.top1 * 100).toFixed(1)}%  p50 ${speed.p50.toFixed(1)} ms  p99 ${speed.p99.toFixed(1)} ms  ${speed.throughput.toFixed(0)} img/s`,
    );
  }
}

/** The ONNX Runtime rows: optimisation level and threads on the int8 224 px graph (accuracy from its row). */
async function ortRows(inputs: RowInputs): Promise<StudyRow[]> {
  const { ctx, photos, iterations, log } = inputs;
  const rows: StudyRow[] = [];
  const reference = inputs.rows.find((r) => r.group === 'resolution' && r.config.input_size === 224)!;
  const int8Graph = variantGraph(base, ctx);
  const orts: [GraphOptimizationLevel, number][] = [
    ['disabled', 1],
    ['basic', 1],
    ['all', 1],
    ['all', 2],
  ];
  for (const [level, threads] of orts) {
    const speed = await timeGraph(int8Graph, base, ctx, photos, { threads, level, iterations });
    rows.push({
      group: 'ort',
      step: `${level}, ${threads} thread${threads > 1 ? 's' : ''}`,
      config: { precision: 'int8', input_size: 224, graph_optimization: level, threads },
      validation_top1: reference.validation_top1,
      validation_macro_f1: reference.validation_macro_f1,
      accuracy_from: 'resolution 224 px',
      speed_kind: 'inference',
      p50_ms: speed.p50,
      p99_ms: speed.p99,
      throughput: speed.throughput,
    });
    log(
      `ort        ${`${level}, ${threads} thr`.padEnd(28)} p50 ${speed.p50.toFixed(1)} ms  p99 ${speed.p99.toFixed(1)} ms  ${speed.throughput.toFixed(0)} img/s`,
    );
  }

  return rows;
}

/** The serving rows: the serving recipe's packaged model under each serving variant, 8 callers. */
async function servingRows(
  options: StudyOptions,
  validation: readonly DatasetItem[],
  quick: boolean,
  log: (line: string) => void,
): Promise<StudyRow[]> {
  const rows: StudyRow[] = [];
  const recipe = await loadRecipe(options.servingRecipe);
  let packaged: PackagedModel;
  try {
    packaged = await preparePackagedModel(recipe.model, options.store);
  } catch (cause) {
    throw new StudyError(
      `the serving rows need recipe ${recipe.name}'s trained head (gourmetgram train --recipe ${recipe.name})`,
      { cause },
    );
  }
  const servingPhotos = await Promise.all(validation.slice(0, 64).map((i) => readFile(i.path)));
  for (const variant of servingVariants) {
    const speed = await timeServing(
      recipe,
      { ...packaged, name: recipe.model.head },
      variant,
      servingPhotos,
      {
        callers: 8,
        seconds: quick ? 1 : 5,
      },
    );
    rows.push({
      group: variant.group,
      step: variant.step,
      config: {
        recipe: recipe.name,
        ...Object.fromEntries(
          Object.entries(variant.serving).map(([k, v]) => [k, v as string | number | boolean]),
        ),
      },
      validation_top1: packaged.card.validation.top1,
      validation_macro_f1: packaged.card.validation.macro_f1,
      accuracy_from: `models/heads/${packaged.name} card (validation)`,
      speed_kind: 'serving',
      p50_ms: speed.p50,
      p99_ms: speed.p99,
      throughput: speed.throughput,
    });
    log(
      `${variant.group.padEnd(10)} ${variant.step.padEnd(28)} p50 ${speed.p50.toFixed(1)} ms  p99 ${speed.p99.toFixed(1)} ms  ${speed.throughput.toFixed(1)} img/s (8 callers)`,
    );
  }

  return rows;
}

/** Assembles study.json with its Pareto fronts and writes it beside the two Pareto SVGs. */
async function writeStudy(
  options: StudyOptions,
  data: { root: string; counts: { train: number; validation: number; test: number }; rows: StudyRow[] },
): Promise<StudyResult> {
  const { rows } = data;
  const log = options.log;
  const modelRows = rows.filter((r) => r.speed_kind === 'inference' && r.accuracy_from === undefined);
  const point = (r: StudyRow, other: number) => ({
    label: `${r.group}: ${r.step}`,
    accuracy: r.validation_top1,
    other,
  });
  const p99Points = modelRows.map((r) => point(r, r.p99_ms));
  const throughputPoints = modelRows.map((r) => point(r, r.throughput));
  const result: StudyResult = {
    schema: 'gourmetgram.study/1',
    created: new Date().toISOString(),
    quick: options.quick,
    machine: { cores: cpus().length, node: process.version, load_average: loadavg() },
    data: { root: data.root, ...data.counts },
    head: {
      kind: 'softmax unless the row says',
      l2: 0.01,
      epochs: 30,
      balance_classes: true,
      trained_on: 'train centre crops',
      mlp_hidden: 256,
      memory_temperature: 0.05,
      memory_weight: 0.5,
    },
    rows,
    pareto: {
      p99: paretoFront(p99Points, 'min').map((p) => p.label),
      throughput: paretoFront(throughputPoints, 'max').map((p) => p.label),
    },
  };
  await mkdir(options.outDir, { recursive: true });
  const name = options.quick ? 'study-quick' : 'study';
  await writeFile(join(options.outDir, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(
    join(options.outDir, `${name}-pareto-p99.svg`),
    paretoSvg({
      title: 'Validation top-1 against p99 latency (batch 1, 1 thread)',
      xLabel: 'p99 latency, ms',
      points: p99Points,
      better: 'min',
    }),
  );
  await writeFile(
    join(options.outDir, `${name}-pareto-throughput.svg`),
    paretoSvg({
      title: 'Validation top-1 against throughput (batch 8, 1 thread)',
      xLabel: 'images per second',
      points: throughputPoints,
      better: 'max',
    }),
  );
  log(`wrote ${join(options.outDir, `${name}.json`)} and its Pareto SVGs`);
  return result;
}
