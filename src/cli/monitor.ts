import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
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
import { loadRecipe, type Recipe } from '../recipes/index.js';
import { progressReporter } from './progress.js';
import { dataDirFrom, storeOptions } from './store-options.js';

const usage = `usage: gourmetgram monitor report --data-dir <dir> [--database-url <postgres://…>] [--log-dir <dir>]
                                [--since <ISO time>] [--window <n>] [--model <head>] [--json]
       gourmetgram monitor reference --recipe <name|file> [--data <dataset dir>] [--heads-dir <dir>]
       gourmetgram monitor validate [--recipe <name>] [--data <dir>] [--clean-windows 200] [--shift-windows 50]
                                    [--sizes 30,60,120]
report: drift tests on windows of n consecutive serving predictions from the app's database (SQLite at
        <data-dir>/gourmetgram.db unless --database-url) or a server's JSON-lines folder (--log-dir).
reference: classifies the held-out reference photos with the recipe's model and writes
        models/heads/<head>/reference.json (re-run it after retraining a head).
validate: false alarms on clean held-out windows and power on shifted photos → results/monitoring/.`;

export async function run(argv: string[], env: Environment): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'report') return report(rest, env);
  if (sub === 'reference') return reference(rest, env);
  if (sub === 'validate') return (await import('./monitor-validate.js')).validate(rest, env);
  process.stdout.write(`${usage}\n`);
  return sub === '--help' || sub === '-h' ? 0 : 2;
}

async function report(argv: string[], env: Environment): Promise<number> {
  const { values } = parseArgs({
    args: argv,
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
  });
  const dataDir = values['data-dir'] ?? env.dataDir;
  const logDir = values['log-dir'];
  if (!dataDir && !logDir) {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  if (values.since !== undefined && Number.isNaN(Date.parse(values.since)))
    throw new Error(`--since ${values.since} is not a time (use ISO 8601, e.g. 2026-11-29T12:00:00Z)`);
  const since = values.since ? new Date(values.since).toISOString() : undefined;
  const settings = monitorSettings(values.window ? { window: Number(values.window) } : {});
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
}

/** Offline work queues all its photos at once: the serving deadline and queue bound would drop them. */
export function batchRecipe(recipe: Recipe): Recipe {
  return { ...recipe, serving: { ...recipe.serving, timeout_ms: 600_000, max_queue: 100_000 } };
}

function newestModel(records: readonly PredictionRecord[]): string | undefined {
  return records.at(-1)?.model;
}

async function reference(argv: string[], env: Environment): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      recipe: { type: 'string' },
      data: { type: 'string' },
      'heads-dir': { type: 'string' },
      seed: { type: 'string' },
    },
  });
  if (!values.recipe) {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  const recipe = await loadRecipe(values.recipe);
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
      projectionSeed: values.seed ? Number(values.seed) : defaultProjectionSeed,
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
}
