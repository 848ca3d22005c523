import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyServerOptions } from 'fastify';
import { createClassifier, type ModelSource } from '../../src/inference/index.js';
import { parseRecipe, type Recipe } from '../../src/recipes/index.js';
import {
  buildServer,
  createMetrics,
  type InferenceServer,
  ModelManager,
  publishVersion,
} from '../../src/server/index.js';
import { writeTinyModel } from './tiny-model.js';

/** A recipe around the tiny model, with serving overrides. */
export function tinyRecipe(serving: Record<string, unknown> = {}): Recipe {
  return parseRecipe(
    JSON.stringify({
      name: 'tiny',
      description: 'test recipe',
      model: { backbone: 'mobilenetv2-12-int8', input_size: 224, head: 'tiny' },
      serving: { instances: 1, max_queue_delay_ms: 0, ...serving },
    }),
  );
}

export interface Harness extends InferenceServer {
  readonly manager: ModelManager;
  readonly repository: string;
  close(): Promise<void>;
}

/** Builds a server on a fresh model repository holding the tiny model as version 1, loaded and warm. */
export async function tinyServer(
  serving: Record<string, unknown> = {},
  adminToken?: string,
  logger?: FastifyServerOptions['logger'],
): Promise<Harness> {
  const recipe = tinyRecipe(serving);
  const repository = await mkdtemp(join(tmpdir(), 'gg-repo-'));
  const model: ModelSource = await writeTinyModel();
  await publishVersion(repository, model);
  const metrics = createMetrics(() => manager.current?.stats?.());
  const manager: ModelManager = new ModelManager({
    name: 'tiny',
    repository,
    create: (source) => createClassifier(recipe, { model: source, observer: metrics.observer }),
    onLoaded: (source, seconds) => metrics.modelLoaded(source.version, seconds),
  });
  const server = await buildServer({
    recipe,
    manager,
    adminToken,
    logger: logger ?? (process.env.GG_TEST_LOG ? { level: 'debug' } : false),
    metrics,
  });
  await manager.load();
  return {
    ...server,
    manager,
    repository,
    async close() {
      await server.app.close();
      await manager.close();
    },
  };
}

/** The model.json of the tiny model, as publishVersion writes it. */
export async function tinyDescription(): Promise<Record<string, unknown>> {
  const { path: _path, ...description } = await writeTinyModel();
  return description;
}
