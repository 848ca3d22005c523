import { basename, join } from 'node:path';
import { openDatabase } from '../app/index.js';
import type { Environment } from '../core/index.js';
import { itemsOf, readDataset } from '../data/index.js';
import { createClassifier } from '../inference/index.js';
import { EmbeddingCache, headDir, preparePackagedModel } from '../models/index.js';
import {
  asLogDatabase,
  buildReference,
  defaultProjectionSeed,
  formatReport,
  heldOutHalf,
  loadReference,
  monitorReport,
  monitorSettings,
  type PredictionRecord,
  projectionDims,
  readCorrections,
  readJsonLinesLog,
  readPredictions,
  referencePath,
  saveReference,
} from '../monitoring/index.js';
import { loadRecipe } from '../recipes/index.js';
import { batchRecipe } from './batch-recipe.js';
import { UsageError } from './errors.js';
import { progressReporter } from './progress.js';
import { dataDirFrom, storeOptions } from './store-options.js';
import { defineVerb, numberFlag, type VerbRunner } from './verb.js';

const usage = `usage: gourmetgram monitor report --data-dir <dir> [--database-url <postgres://…>] [--log-dir <dir>]
                                [--since <ISO time>] [--window <n>] [--model <head>] [--json]
       gourmetgram monitor reference --recipe <name|file> [--data <dataset dir>] [--heads-dir <dir>]
       gourmetgram monitor validate [--recipe <name>] [--data <dir>] [--clean-windows 200] [--shift-windows 50]
                                    [--sizes 30,60,120] [--figure-only]
report: drift tests on windows of n consecutive serving predictions from the app's database (SQLite at
        <data-dir>/gourmetgram.db unless --database-url) or a server's JSON-lines folder (--log-dir).
reference: classifies the held-out reference photos with the recipe's model and writes
        models/heads/<head>/reference.json (re-run it after retraining a head).
validate: false alarms on clean held-out windows and power on shifted photos → results/monitoring/
        (--figure-only redraws validation.svg from the saved validation.json).`;

const subcommands: Record<string, () => Promise<VerbRunner>> = {
  report: async () => report,
  reference: async () => reference,
  // Loaded on demand: validation pulls in the photo shifts and charts that the other two never need.
  validate: async () => (await import('./monitor-validate.js')).validate(usage),
};

export async function run(argv: string[], env: Environment): Promise<number | undefined> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h') {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const load = sub === undefined ? undefined : subcommands[sub];
  if (!load)
    throw Object.assign(new UsageError(sub ? `unknown subcommand '${sub}'` : 'a subcommand is required'), {
      usage,
    });
  return (await load())(rest, env);
}

const report = defineVerb({
  usage,
  options: {
    'data-dir': { type: 'string' },
    'database-url': { type: 'string' },
    'log-dir': { type: 'string' },
    since: { type: 'string' },
    window: { type: 'string' },
    model: { type: 'string' },
    'heads-dir': { type: 'string' },
    json: { type: 'boolean' },
  },
  run: async ({ values }, env) => {
    const dataDir = values['data-dir'] ?? env.dataDir;
    const logDir = values['log-dir'];
    if (!dataDir && !logDir)
      throw new UsageError('--data-dir (or GOURMETGRAM_DATA_DIR) or --log-dir required');
    if (values.since !== undefined && Number.isNaN(Date.parse(values.since)))
      throw new UsageError(`--since ${values.since} is not a time (use ISO 8601, e.g. 2026-11-29T12:00:00Z)`);
    const since = values.since ? new Date(values.since).toISOString() : undefined;
    const settings = monitorSettings(
      values.window ? { window: numberFlag('window', values.window, { integer: true }) } : {},
    );
    let records: PredictionRecord[];
    let corrections: Map<string, string> | undefined;
    if (logDir) records = await readJsonLinesLog(logDir, since);
    else {
      const database = await openDatabase({
        url: values['database-url'] ?? env.databaseUrl ?? join(dataDir!, 'gourmetgram.db'),
      });
      try {
        records = await readPredictions(asLogDatabase(database.db), { since, role: 'serving' });
        corrections = await readCorrections(asLogDatabase(database.db));
      } finally {
        await database.close();
      }
    }
    const head = values.model ?? newestModel(records);
    if (!head) {
      process.stdout.write(
        values.json ? `${JSON.stringify({ windows: [] })}\n` : 'no predictions logged yet\n',
      );
      return 0;
    }
    const ref = await loadReference(referencePath(values['heads-dir'] ?? join(headDir(head), '..'), head));
    const result = monitorReport(records, ref, settings, corrections);
    process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : formatReport(result));
    return 0;
  },
});

function newestModel(records: readonly PredictionRecord[]): string | undefined {
  return records.at(-1)?.model;
}

const reference = defineVerb({
  usage,
  options: {
    recipe: { type: 'string' },
    data: { type: 'string' },
    'heads-dir': { type: 'string' },
    seed: { type: 'string' },
  },
  required: ['recipe'],
  run: async ({ values }, env) => {
    const recipe = await loadRecipe(values.recipe!);
    const store = storeOptions(env, values['heads-dir']);
    const packaged = await preparePackagedModel(recipe.model, store);
    const dataset = await readDataset(dataDirFrom(values.data, env), {
      validationFraction: recipe.model.training.validation_fraction,
    });
    const items = heldOutHalf(itemsOf(dataset, 'test'), 'reference');
    const classifier = await createClassifier(batchRecipe(recipe), { model: packaged });
    try {
      const result = await buildReference(classifier, items, {
        embeddingWidth: packaged.embeddingWidth,
        projectionSeed: values.seed
          ? numberFlag('seed', values.seed, { min: 0, inclusive: true, integer: true })
          : defaultProjectionSeed,
        projectionDims,
        photosDescription: `${items.length} photos of the test split's reference half (by photo group) of ${basename(dataset.root)}: never trained on, never used to choose a model`,
        cache: new EmbeddingCache(join(store.cacheDir, 'embeddings')),
        onProgress: progressReporter('reference'),
      });
      const path = referencePath(
        values['heads-dir'] ?? join(headDir(recipe.model.head), '..'),
        recipe.model.head,
      );
      await saveReference(path, result);
      process.stdout.write(
        `${JSON.stringify({ path, n: items.length, expected_accuracy: result.expected_accuracy, measured_accuracy: result.measured_accuracy })}\n`,
      );
    } finally {
      await classifier.close();
    }
    return 0;
  },
});
