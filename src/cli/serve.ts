import type { Environment } from '../core/index.js';
import { loadRecipe } from '../recipes/index.js';
import { startServer } from '../server/index.js';
import { storeOptions } from './store-options.js';
import { defineVerb, numberFlag, portFlag, untilSignal, type VerbValues } from './verb.js';

const usage = `usage: gourmetgram serve --recipe <file|name> [--port <p>] [--host <h>]
                         [--model-repository <dir>] [--model-version <n>] [--log-dir <dir>]
Serves the recipe's model over the Open Inference Protocol v2 and POST /predict.
--log-dir: log every classification there as JSON lines for \`gourmetgram monitor report --log-dir\`
(rotated at 64 MiB, files older than GOURMETGRAM_LOG_RETENTION_DAYS deleted at start and hourly).
Environment: GOURMETGRAM_PORT, GOURMETGRAM_MODEL_REPOSITORY, GOURMETGRAM_ADMIN_TOKEN (enables model reload),
GOURMETGRAM_LOG_RETENTION_DAYS.`;

const options = {
  recipe: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  'model-repository': { type: 'string' },
  'model-version': { type: 'string' },
  'log-dir': { type: 'string' },
} as const;

export const run = defineVerb({
  usage,
  options,
  required: ['recipe'],
  run: ({ values }, env) => serve(values, env),
});

async function serve(values: VerbValues<typeof options>, env: Environment): Promise<number> {
  const port = values.port === undefined ? (env.port ?? 8080) : portFlag('port', values.port);
  const host = values.host ?? env.host ?? '0.0.0.0';
  const repository = values['model-repository'] ?? env.modelRepository;
  const version = values['model-version'];
  const pinnedVersion =
    version === undefined ? undefined : numberFlag('model-version', version, { integer: true });
  const recipe = await loadRecipe(values.recipe!);
  const adminToken = env.adminToken;
  const effective = {
    recipe: recipe.name,
    model: recipe.model,
    serving: recipe.serving,
    port,
    host,
    model_repository: repository ?? null,
    model_version: pinnedVersion ?? 'newest',
    admin_reload: adminToken ? 'enabled' : 'disabled',
    prediction_log: values['log-dir']
      ? { dir: values['log-dir'], retention_days: env.logRetentionDays }
      : 'off',
  };
  process.stderr.write(`${JSON.stringify({ msg: 'effective configuration', ...effective })}\n`);
  const server = await startServer({
    recipe,
    port,
    host,
    store: storeOptions(env),
    repository,
    pinnedVersion,
    adminToken,
    logger: { level: env.logLevel },
    predictionLogDir: values['log-dir'],
    logRetentionDays: env.logRetentionDays,
  });
  process.stderr.write(
    `gourmetgram serve: ready on ${server.url} (${Math.round(server.coldStartMs)} ms after process start)\n`,
  );
  return untilSignal(async (signal) => {
    server.app.log.info({ signal }, 'draining');
    await server.drain();
  });
}
