import { join } from 'node:path';
import { FolderBlobStore, openDatabase, rescoreLibrary, S3BlobStore } from '../app/index.js';
import type { Environment } from '../core/index.js';
import { createClassifier } from '../inference/index.js';
import { loadRecipe } from '../recipes/index.js';
import { readVersion } from '../server/index.js';
import { batchRecipe } from './batch-recipe.js';
import { UsageError } from './errors.js';
import { progressReporter } from './progress.js';
import { defineVerb, numberFlag, type VerbValues } from './verb.js';

const usage = `usage: gourmetgram rescore --data-dir <dir> --model <version> [--model-repository <dir>] [--name <model>]
                         [--database-url <postgres://…>] [--recipe <file|name>] [--limit <n>] [--concurrency <n>]
Re-classifies every stored photo with a promoted model version (from the model repository that
gourmetgram serve reads: <repository>/<name>/<version>). Both versions' answers stay in the prediction log;
each photo's prediction moves to the new version, its shown category only where nobody corrected it.
Resumable: photos this version already rescored are skipped (--limit stops early; run again to carry on).
Prints a JSON summary; progress on stderr.
Environment: GOURMETGRAM_DATA_DIR, GOURMETGRAM_DATABASE_URL, GOURMETGRAM_MODEL_REPOSITORY, GOURMETGRAM_S3_*.`;

const options = {
  'data-dir': { type: 'string' },
  'database-url': { type: 'string' },
  model: { type: 'string' },
  'model-repository': { type: 'string' },
  name: { type: 'string' },
  recipe: { type: 'string' },
  limit: { type: 'string' },
  concurrency: { type: 'string' },
} as const;

export const run = defineVerb({
  usage,
  options,
  required: ['model'],
  run: ({ values }, env) => rescore(values, env),
});

async function rescore(values: VerbValues<typeof options>, env: Environment): Promise<number> {
  const dataDir = values['data-dir'] ?? env.dataDir;
  if (!dataDir) throw new UsageError('--data-dir (or GOURMETGRAM_DATA_DIR) names the app folder to rescore');
  const repository = values['model-repository'] ?? env.modelRepository;
  if (!repository)
    throw new UsageError('--model-repository (or GOURMETGRAM_MODEL_REPOSITORY) holds the versions');
  const version = numberFlag('model', values.model!, { integer: true });
  const recipe = await loadRecipe(values.recipe ?? env.recipe ?? 'latency');
  const source = await readVersion(repository, values.name ?? recipe.model.head, version);
  const classifier = await createClassifier(batchRecipe(recipe), { model: source });
  const database = await openDatabase({
    url: values['database-url'] ?? env.databaseUrl ?? join(dataDir, 'gourmetgram.db'),
  }).catch(async (error: unknown) => {
    await classifier.close();
    throw error;
  });
  try {
    const blobs =
      env.s3Endpoint && env.s3Bucket
        ? new S3BlobStore({
            endpoint: env.s3Endpoint,
            bucket: env.s3Bucket,
            accessKey: env.s3AccessKey ?? '',
            secretKey: env.s3SecretKey ?? '',
            region: env.s3Region,
          })
        : new FolderBlobStore(join(dataDir, 'blobs'));
    const report = await rescoreLibrary({
      database,
      blobs,
      classifier,
      version,
      ...(values.limit ? { limit: numberFlag('limit', values.limit, { integer: true }) } : {}),
      ...(values.concurrency
        ? { concurrency: numberFlag('concurrency', values.concurrency, { integer: true }) }
        : {}),
      onProgress: progressReporter(`rescore ${source.name} v${version}`),
    });
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return report.failed > 0 ? 1 : 0;
  } finally {
    await classifier.close();
    await database.close();
  }
}
