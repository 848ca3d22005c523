import { performance } from 'node:perf_hooks';
import type { FastifyServerOptions } from 'fastify';
import { createClassifier, type ModelSource } from '../inference/index.js';
import { type ModelStoreOptions, preparePackagedModel } from '../models/index.js';
import { JsonLinesPredictionLog, loadReferences, ProjectionRegistry } from '../monitoring/index.js';
import type { Recipe } from '../recipes/index.js';
import { buildServer, type InferenceServer } from './build-server.js';
import { ListenError } from './errors.js';
import { createMetrics } from './metrics.js';
import { ModelManager } from './model-manager.js';
import { listVersions, publishVersion } from './model-repository.js';

export interface StartOptions {
  readonly recipe: Recipe;
  readonly port: number;
  readonly host: string;
  readonly store: ModelStoreOptions;
  /** Serve versions from this Triton-style repository; the recipe's model is published there when it is empty. */
  readonly repository?: string | undefined;
  readonly pinnedVersion?: number | undefined;
  readonly adminToken?: string | undefined;
  readonly logger?: FastifyServerOptions['logger'];
  /** Log every classification as JSON lines here (rotated, kept `logRetentionDays`). */
  readonly predictionLogDir?: string | undefined;
  readonly logRetentionDays?: number;
  /** A ready model source, bypassing packaging (tests). */
  readonly model?: ModelSource;
}

export interface RunningServer extends InferenceServer {
  readonly url: string;
  readonly manager: ModelManager;
  /** Milliseconds from process start to ready. */
  readonly coldStartMs: number;
  /** Fails readiness, lets in-flight requests finish, then stops workers. */
  drain(): Promise<void>;
}

/** Loads and warms the model, then listens; the model name in URLs is the recipe's head name. */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { recipe, repository } = options;
  const name = recipe.model.head;
  let initial: ModelSource | undefined = options.model;
  const needsPackage = !initial && (!repository || (await listVersions(repository, name)).length === 0);
  if (needsPackage) initial = { ...(await preparePackagedModel(recipe.model, options.store)), name };
  if (repository && initial) await publishVersion(repository, { ...initial, name });
  let server: InferenceServer | undefined;
  const metrics = createMetrics(() => manager.current?.stats?.());
  const manager: ModelManager = new ModelManager({
    name,
    repository,
    pinned: options.pinnedVersion,
    initial,
    create: (source) => createClassifier(recipe, { model: source, observer: metrics.observer }),
    onLoaded: (source, seconds) => {
      metrics.modelLoaded(source.version, seconds);
      server?.app.log.info({ model: name, version: source.version, seconds }, 'model ready');
    },
  });
  server = await buildServer({
    recipe,
    manager,
    adminToken: options.adminToken,
    logger: options.logger,
    metrics,
    ...(options.predictionLogDir
      ? {
          predictionLog: {
            log: new JsonLinesPredictionLog({
              dir: options.predictionLogDir,
              maxFileBytes: 64 * 1024 * 1024,
              retentionDays: options.logRetentionDays ?? 90,
            }),
            projections: new ProjectionRegistry(await loadReferences(options.store.headsDir, name)),
          },
        }
      : {}),
  });
  try {
    await manager.load();
  } catch (error) {
    await server.app.close();
    throw error;
  }
  let url: string;
  try {
    url = await server.app.listen({ port: options.port, host: options.host });
  } catch (cause) {
    // Without this the worker threads keep the process alive after the error is printed.
    await server.app.close();
    await manager.close();
    throw new ListenError(options.host, options.port, cause);
  }
  // performance.now() counts from the process's start, so this includes Node's own boot and every import.
  const coldStartMs = performance.now();
  server.app.log.info({ url, coldStartMs: Math.round(coldStartMs) }, 'ready');
  const running = server;
  let draining: Promise<void> | undefined;
  return {
    ...running,
    url,
    manager,
    coldStartMs,
    drain() {
      draining ??= (async () => {
        running.state.draining = true;
        await running.app.close();
        await manager.close();
      })();
      return draining;
    },
  };
}
