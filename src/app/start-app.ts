import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ServerLimits } from '../http/index.js';
import {
  type Classifier,
  createClassifier,
  createRemoteClassifier,
  type LocalClassifier,
  type ModelSource,
} from '../inference/index.js';
import type { ModelStoreOptions } from '../models/index.js';
import { loadReferences } from '../monitoring/index.js';
import type { Recipe } from '../recipes/index.js';
import { decodeLimits } from '../vision/index.js';
import { buildApp } from './app.js';
import type { AppOptions } from './app-context.js';
import { FolderBlobStore } from './blob-store.js';
import { type DatabaseHandle, openDatabase } from './database.js';
import { S3BlobStore, type S3BlobStoreOptions } from './s3-blob-store.js';
import { recoverStorage } from './storage-recovery.js';

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
  readonly logRetentionDays?: number;
  /** Trust X-Forwarded-For/-Proto from: true (any proxy) or addresses/CIDRs, comma-separated. */
  readonly trustProxy?: boolean | string | undefined;
  readonly secureCookies?: boolean | 'auto' | undefined;
  readonly correctionQuorum?: number | undefined;
  readonly uploadsPerMinute?: number | undefined;
  /** Connection and request limits; the recipe's `serving.http` when absent. */
  readonly limits?: ServerLimits | undefined;
  /** Shadow mode: a candidate version answering beside the serving one on every upload (logged, never shown). */
  readonly shadowModel?: ModelSource | undefined;
  /** How old another instance's pending blob keys must be before start-up recovery takes them. */
  readonly recoveryGraceMs?: number | undefined;
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
  let app: FastifyInstance | undefined;
  const database = await openDatabase({
    url: config.databaseUrl ?? join(dataDir, 'gourmetgram.db'),
    onConnectionError: (error) =>
      app?.log.warn(
        { reason: error.message },
        'database connection lost; the pool reconnects on the next query',
      ),
  });
  let classifier: Classifier | undefined;
  let local: LocalClassifier | undefined;
  let shadow: LocalClassifier | undefined;
  try {
    if (config.inferenceUrl)
      classifier = await createRemoteClassifier(config.inferenceUrl, config.inferenceModel ?? 'food11');
    else
      classifier = local = await createClassifier(config.recipe, {
        cacheDir: config.store.cacheDir,
        mirrorDir: config.store.mirrorDir,
        ...(config.store.headsDir ? { headsDir: config.store.headsDir } : {}),
      });
    if (config.shadowModel) shadow = await createClassifier(config.recipe, { model: config.shadowModel });
    const blobs = config.s3 ? new S3BlobStore(config.s3) : new FolderBlobStore(join(dataDir, 'blobs'));
    const instanceId = await instanceIdOf(dataDir);
    const recovered = await recoverStorage(database, blobs, instanceId, config.recoveryGraceMs ?? 3_600_000);
    app = await buildApp({
      classifier,
      // The browser runs the very model the server runs; a remote server's model file is not ours to serve.
      edgeModel: local?.model,
      database,
      blobs,
      instanceId,
      trustProxy: config.trustProxy,
      secureCookies: config.secureCookies,
      correctionQuorum: config.correctionQuorum,
      uploadsPerMinute: config.uploadsPerMinute,
      limits: config.limits ?? config.recipe.serving.http,
      adminToken: config.adminToken,
      secret: config.secret,
      maxUploadBytes: config.recipe.serving.max_body_bytes,
      decodeLimits: decodeLimits(config.recipe.serving.max_pixels),
      exportDir: join(dataDir, 'exports'),
      logger: { level: config.logLevel },
      references: await loadReferences(config.store.headsDir, classifier.info().model),
      shadow,
      ...(config.logRetentionDays ? { logRetentionDays: config.logRetentionDays } : {}),
      ...extra,
    });
    app.log.info({ ...recovered, instance: instanceId }, 'start-up recovery');
    const address = await app.listen({ port: config.port, host: config.host });
    const running = classifier;
    const server = app;
    return {
      app: server,
      url: address,
      classifier: running,
      database,
      async close() {
        await server.close();
        await running.close();
        await shadow?.close();
        await database.close();
      },
    };
  } catch (error) {
    await classifier?.close();
    await shadow?.close();
    await database.close();
    throw error;
  }
}

/** A stable name for this data folder, so a restarted app knows which pending blob keys were its own. */
async function instanceIdOf(dataDir: string): Promise<string> {
  const file = join(dataDir, 'instance-id');
  const existing = await readFile(file, 'utf8').catch(() => '');
  if (/^[a-f0-9]{16}$/.test(existing.trim())) return existing.trim();
  const id = randomBytes(8).toString('hex');
  await writeFile(file, `${id}\n`);
  return id;
}
