import { parseArgs } from 'node:util';
import { loadRecipe } from '../recipes/index.js';
import { startServer } from '../server/index.js';
import type { Environment } from './environment.js';
import { UsageError } from './errors.js';
import { storeOptions } from './store-options.js';

const usage = `usage: gourmetgram serve --recipe <file|name> [--port <p>] [--host <h>]
                         [--model-repository <dir>] [--model-version <n>]
Serves the recipe's model over the Open Inference Protocol v2 and POST /predict.
Environment: GOURMETGRAM_PORT, GOURMETGRAM_MODEL_REPOSITORY, GOURMETGRAM_ADMIN_TOKEN (enables model reload).`;

export async function run(argv: string[], env: Environment): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      recipe: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'model-repository': { type: 'string' },
      'model-version': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help || !values.recipe) {
    process.stdout.write(`${usage}\n`);
    return values.help ? 0 : 2;
  }
  const recipe = await loadRecipe(values.recipe);
  const port = Number(values.port ?? env.values.PORT ?? 8080);
  const host = values.host ?? env.values.HOST ?? '0.0.0.0';
  const repository = values['model-repository'] ?? env.values.MODEL_REPOSITORY;
  const pinnedVersion = values['model-version'] ? Number(values['model-version']) : undefined;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port ${values.port} is not a port`);
  if (pinnedVersion !== undefined && !(Number.isInteger(pinnedVersion) && pinnedVersion > 0))
    throw new UsageError(`--model-version ${values['model-version']} is not a positive integer`);
  const adminToken = env.values.ADMIN_TOKEN;
  const effective = {
    recipe: recipe.name,
    model: recipe.model,
    serving: recipe.serving,
    port,
    host,
    model_repository: repository ?? null,
    model_version: pinnedVersion ?? 'newest',
    admin_reload: adminToken ? 'enabled' : 'disabled',
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
  });
  process.stderr.write(
    `gourmetgram serve: ready on ${server.url} (${Math.round(server.coldStartMs)} ms after process start)\n`,
  );
  return new Promise<number>((resolve) => {
    const stop = (signal: string) => {
      server.app.log.info({ signal }, 'draining');
      server.drain().then(
        () => resolve(0),
        (error: unknown) => {
          process.stderr.write(`drain failed: ${error instanceof Error ? error.message : error}\n`);
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
