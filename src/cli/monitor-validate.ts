import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { projectPath } from '../core/index.js';
import { type Dataset, itemsOf, readDataset } from '../data/index.js';
import { createClassifier } from '../inference/index.js';
import { EmbeddingCache, headDir, preparePackagedModel } from '../models/index.js';
import {
  type Condition,
  heldOutHalf,
  loadReference,
  monitorSettings,
  observePhotos,
  photoShifts,
  RandomProjection,
  type Reference,
  referencePath,
  shiftPhoto,
  validateDetectors,
} from '../monitoring/index.js';
import { loadRecipe, type Recipe } from '../recipes/index.js';
import { lineChartSvg, stackSvg } from '../report/index.js';
import { batchRecipe } from './batch-recipe.js';
import { progressReporter } from './progress.js';
import { dataDirFrom, storeOptions } from './store-options.js';
import { defineVerb, numberFlag, type VerbRunner } from './verb.js';

/**
 * `gourmetgram monitor validate`: every detector on real shifts made from the check half of the held-out
 * photos, per window size; false alarms on clean windows. Writes results/monitoring/validation.json + SVG.
 */
export function validate(usage: string): VerbRunner {
  return defineVerb({
    usage,
    options: {
      recipe: { type: 'string' },
      data: { type: 'string' },
      'clean-windows': { type: 'string' },
      'shift-windows': { type: 'string' },
      sizes: { type: 'string' },
      out: { type: 'string' },
      'figure-only': { type: 'boolean' },
    },
    run: async ({ values }, env) => {
      if (values['figure-only']) return redrawFigure(values.out ?? projectPath('results', 'monitoring'));
      const windows = {
        clean: numberFlag('clean-windows', values['clean-windows'] ?? '200', { integer: true }),
        shifted: numberFlag('shift-windows', values['shift-windows'] ?? '50', { integer: true }),
      };
      const sizes = (values.sizes ?? '30,60,120')
        .split(',')
        .map((size) => numberFlag('sizes', size, { integer: true }));
      const recipe = await loadRecipe(values.recipe ?? 'latency');
      const reference = await loadReference(
        referencePath(join(headDir(recipe.model.head), '..'), recipe.model.head),
      );
      const dataset = await readDataset(dataDirFrom(values.data, env), {
        validationFraction: recipe.model.training.validation_fraction,
      });
      const conditions = await observeConditions(recipe, reference, dataset, storeOptions(env), windows);
      const settings = monitorSettings();
      const started = Date.now();
      const results = validateDetectors(
        reference,
        conditions,
        sizes.filter((s) => s >= 20),
        settings,
      );
      const outDir = values.out ?? projectPath('results', 'monitoring');
      await mkdir(outDir, { recursive: true });
      const document = {
        model: { name: reference.model, version: reference.version },
        reference: {
          photos: reference.photos,
          expected_accuracy: reference.expected_accuracy,
          measured_accuracy: reference.measured_accuracy,
        },
        data: basename(dataset.root),
        settings,
        command: `gourmetgram monitor validate --recipe ${recipe.name}`,
        seconds: (Date.now() - started) / 1000,
        results,
      };
      await writeFile(join(outDir, 'validation.json'), `${JSON.stringify(document, null, 2)}\n`);
      await writeFile(join(outDir, 'validation.svg'), validationSvg(results, sizes));
      process.stdout.write(validationTable(results));
      return 0;
    },
  });
}

type Windowed = Condition & { windows: number; measuredAccuracy?: number };

/**
 * The check half of the held-out photos, classified clean and under every shift: the photo shifts, a class
 * mix and a single source.
 */
async function observeConditions(
  recipe: Recipe,
  reference: Reference,
  dataset: Dataset,
  store: ReturnType<typeof storeOptions>,
  windows: { readonly clean: number; readonly shifted: number },
): Promise<Windowed[]> {
  const items = heldOutHalf(itemsOf(dataset, 'test'), 'check');
  const photos = await Promise.all(items.map((item) => readFile(item.path)));
  const projection = new RandomProjection(
    reference.projection.seed,
    reference.projection.input_width,
    reference.projection.dims,
  );
  const packaged = await preparePackagedModel(recipe.model, store);
  const classifier = await createClassifier(batchRecipe(recipe), { model: packaged });
  const cache = new EmbeddingCache(join(store.cacheDir, 'embeddings'));
  const observe = async (label: string, bytes: readonly Uint8Array[]) => {
    const observed = await observePhotos(classifier, bytes, {
      projection,
      cache,
      onProgress: progressReporter(label),
    });
    const right = observed.filter(
      (o, i) => reference.classes.indexOf(o.observation.category) === items[i]!.label,
    );
    return { pool: observed.map((o) => o.observation), measuredAccuracy: right.length / items.length };
  };
  const conditions: Windowed[] = [];
  try {
    const clean = await observe('clean', photos);
    conditions.push({
      name: 'clean',
      description: `unshifted check-half photos (${items.length}, never in the reference)`,
      ...clean,
      windows: windows.clean,
    });
    for (const shift of photoShifts) {
      const shifted = await Promise.all(photos.map((bytes) => shiftPhoto(bytes, shift)));
      conditions.push({
        name: shift,
        description: `every photo ${shift.replace('_', ' + ')}`,
        ...(await observe(shift, shifted)),
        windows: windows.shifted,
      });
    }
    // Class mix: three classes eight times as likely as the rest (desserts, noodles and rice take ~70 %).
    const favoured = new Set(['Dessert', 'Noodles/Pasta', 'Rice'].map((c) => dataset.classes.indexOf(c)));
    conditions.push({
      name: 'class_mix',
      description: 'Dessert, Noodles/Pasta and Rice 8× as likely as the other classes (~70 % of traffic)',
      pool: clean.pool,
      weights: items.map((item) => (favoured.has(item.label) ? 8 : 1)),
      windows: windows.shifted,
    });
    // A source the traffic did not have in this proportion: only one source's photos.
    const source = 'srohit0/food_mnist';
    const fromSource = items.flatMap((item, i) => (item.source === source ? [i] : []));
    conditions.push({
      name: 'one_source',
      description: `only the ${fromSource.length} photos of source '${source}' (a new user population)`,
      pool: fromSource.map((i) => clean.pool[i]!),
      windows: windows.shifted,
    });
  } finally {
    await classifier.close();
  }
  return conditions;
}

type Results = ReturnType<typeof validateDetectors>;

/** Redraws validation.svg from the saved validation.json (a figure change needs no 17-minute rerun). */
async function redrawFigure(outDir: string): Promise<number> {
  const saved = JSON.parse(await readFile(join(outDir, 'validation.json'), 'utf8')) as { results: Results };
  const sizes = [...new Set(saved.results.map((r) => r.window))].sort((a, b) => a - b);
  await writeFile(join(outDir, 'validation.svg'), validationSvg(saved.results, sizes));
  process.stdout.write(`${join(outDir, 'validation.svg')} redrawn from validation.json\n`);
  return 0;
}

function validationSvg(results: Results, sizes: readonly number[]): string {
  // Conditions measured at one window size only (a small source) have no line to draw: a table row shows them.
  const names = [...new Set(results.map((r) => r.condition))].filter(
    (name) => results.filter((r) => r.condition === name).length > 1,
  );
  // The legend gives each series 190 px.
  const width = Math.max(900, 100 + names.length * 190);
  const series = (pick: (r: Results[number]) => number) =>
    names.map((name) => ({
      name,
      points: sizes.map((size) => {
        const r = results.find((x) => x.condition === name && x.window === size);
        return [size, r ? pick(r) : null] as const;
      }),
    }));
  return stackSvg([
    lineChartSvg({
      title: 'Windows flagged by any drift test (clean = false-alarm rate; shifts = power)',
      series: series((r) => r.any),
      xLabel: 'window (predictions)',
      yLabel: 'share of windows',
      xTicks: sizes,
      reference: { y: 0.05, label: 'alpha 0.05' },
      width,
    }),
    lineChartSvg({
      title: 'Label-free accuracy estimate (mean over windows)',
      series: series((r) => r.mean_accuracy_estimate),
      xLabel: 'window (predictions)',
      yLabel: 'estimated accuracy',
      xTicks: sizes,
      width,
    }),
  ]);
}

function validationTable(results: Results): string {
  const tests = [...new Set(results.flatMap((r) => Object.keys(r.flagged)))];
  const header = [
    'condition',
    'n',
    ...tests.map((t) => t.replace(/_ks.*|_auc|_mean|_estimate|_chi2/, (m) => m)),
    'any',
    'persist',
    'est',
    'meas',
  ];
  const rows = results.map((r) => [
    r.condition,
    String(r.window),
    ...tests.map((t) => (r.flagged[t] ?? 0).toFixed(2)),
    r.any.toFixed(2),
    r.persistent.toFixed(3),
    r.mean_accuracy_estimate.toFixed(3),
    r.measured_accuracy?.toFixed(3) ?? '-',
  ]);
  return `${[header, ...rows].map((row) => row.join('\t')).join('\n')}\n`;
}
