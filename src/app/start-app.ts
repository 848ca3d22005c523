import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Classifier, createClassifier, createRemoteClassifier } from '../inference/index.js';
import type { ModelStoreOptions } from '../models/index.js';
import type { Recipe } from '../recipes/index.js';
import { buildApp } from './app.js';
import type { AppOptions } from './app-context.js';
import { FolderBlobStore } from './blob-store.js';
import { type DatabaseHandle, openDatabase } from './database.js';
import { S3BlobStore, type S3BlobStoreOptions } from './s3-blob-store.js';

export interface AppConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly recipe: Recipe;
  readonly store: ModelStoreOptions;
  /** postgres://… to use PostgreSQL; SQLite at <dataDir>/gourmetgram.db otherwise. */
  readonly databaseUrl?: string | undefined;
  /** An Open Inference Protocol v2 server to classify with, instead of the in-process pool. */
  readonly inferenceUrl?: string | undefined;
  readonly inferenceModel?: string | undefined;
  /** An S3-compatible bucket for photo bytes, instead of <dataDir>/blobs. */
  readonly s3?: S3BlobStoreOptions | undefined;
  readonly adminToken?: string | undefined;
  readonly secret?: string | undefined;
  readonly logLevel: string;
}

export interface RunningApp {
  readonly app: FastifyInstance;
  readonly url: string;
  readonly classifier: Classifier;
  readonly database: DatabaseHandle;
  close(): Promise<void>;
}

/** The whole product in one process: database (migrated), photo folder, classifier, HTTP server. */
export async function startApp(config: AppConfig, extra: Partial<AppOptions> = {}): Promise<RunningApp> {
  const dataDir = resolve(config.dataDir);
  await mkdir(dataDir, { recursive: true });
  const database = await openDatabase({ url: config.databaseUrl ?? join(dataDir, 'gourmetgram.db') });
  let classifier: Classifier | undefined;
  try {
    classifier = config.inferenceUrl
      ? await createRemoteClassifier(config.inferenceUrl, config.inferenceModel ?? 'food11')
      : await createClassifier(config.recipe, {
          cacheDir: config.store.cacheDir,
          mirrorDir: config.store.mirrorDir,
          ...(config.store.headsDir ? { headsDir: config.store.headsDir } : {}),
        });
    const app = await buildApp({
      classifier,
      database,
      blobs: config.s3 ? new S3BlobStore(config.s3) : new FolderBlobStore(join(dataDir, 'blobs')),
      adminToken: config.adminToken,
      secret: config.secret,
      maxUploadBytes: config.recipe.serving.max_body_bytes,
      decodeLimits: { maxPixels: config.recipe.serving.max_pixels, minSide: 8 },
      exportDir: join(dataDir, 'exports'),
      logger: { level: config.logLevel },
      ...extra,
    });
    const address = await app.listen({ port: config.port, host: config.host });
    const running = classifier;
    return {
      app,
      url: address,
      classifier: running,
      database,
      async close() {
        await app.close();
        await running.close();
        await database.close();
      },
    };
  } catch (error) {
    await classifier?.close();
    await database.close();
    throw error;
  }
}
