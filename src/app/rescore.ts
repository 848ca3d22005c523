import type { Classifier } from '../inference/index.js';
import {
  measureImage,
  type PredictionRecord,
  predictionLogRow,
  predictionRecord,
} from '../monitoring/index.js';
import type { BlobStore } from './blob-store.js';
import { type DatabaseHandle, inTransaction } from './database.js';

export interface RescoreOptions {
  readonly database: DatabaseHandle;
  readonly blobs: BlobStore;
  /** The promoted version; its `info().model` and the version below name it in the log. */
  readonly classifier: Classifier;
  readonly version: number;
  /** Photos in flight at once (the pool batches them). */
  readonly concurrency?: number;
  /** Stop after this many photos (a staged run); the next run carries on. */
  readonly limit?: number;
  readonly onProgress?: (done: number, total: number) => void;
  readonly now?: () => Date;
}

export interface RescoreReport {
  readonly model: string;
  readonly version: number;
  readonly photos: number;
  /** Rescored by an earlier run (the log has their `rescore` row): skipped. */
  readonly alreadyDone: number;
  readonly rescored: number;
  /** Of those, how many the new version put in another class than the old one. */
  readonly changed: number;
  /** Photos with user corrections: their shown category was kept. */
  readonly correctionsKept: number;
  /** Photos whose bytes could not be read or classified (left for the next run). */
  readonly failed: number;
}

/**
 * Re-classifies the stored library with a promoted model version. Each photo's new answer is appended to the
 * prediction log (role `rescore`; the old version's row stays, so both answers are kept) and becomes the
 * photo's prediction in the same transaction; the shown category follows it only for photos nobody voted on,
 * so user corrections are never overwritten. Resumable: photos with a `rescore` row of this version are
 * skipped, so an interrupted run carries on where it stopped.
 */
export async function rescoreLibrary(options: RescoreOptions): Promise<RescoreReport> {
  const { database, classifier, version } = options;
  const model = classifier.info().model;
  const db = database.db;
  const photos = await db
    .selectFrom('photos')
    .select(['id', 'image_key'])
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const done = new Set(
    (
      await db
        .selectFrom('prediction_log')
        .select('photo_id')
        .where('role', '=', 'rescore')
        .where('model', '=', model)
        .where('model_version', '=', version)
        .execute()
    ).map((r) => r.photo_id),
  );
  const voted = new Set(
    (await db.selectFrom('corrections').select('photo_id').distinct().execute()).map((r) => r.photo_id),
  );
  const todo = photos.filter((p) => !done.has(p.id)).slice(0, options.limit ?? Number.POSITIVE_INFINITY);
  const counts = { rescored: 0, changed: 0, correctionsKept: 0, failed: 0 };
  let finished = 0;
  options.onProgress?.(0, todo.length);
  const next = todo.values();
  const worker = async () => {
    for (let photo = next.next(); !photo.done; photo = next.next()) {
      const { id, image_key } = photo.value;
      try {
        const outcome = await rescoreOne(options, id, image_key, voted.has(id));
        counts.rescored++;
        if (outcome.changed) counts.changed++;
        if (voted.has(id)) counts.correctionsKept++;
      } catch {
        counts.failed++;
      }
      options.onProgress?.(++finished, todo.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  return { model, version, photos: photos.length, alreadyDone: done.size, ...counts };
}

async function rescoreOne(
  options: RescoreOptions,
  id: string,
  imageKey: string,
  voted: boolean,
): Promise<{ changed: boolean }> {
  const bytes = await options.blobs.get(imageKey);
  if (!bytes) throw new Error(`photo ${id}: no bytes at ${imageKey}`);
  const started = performance.now();
  const [raw, image] = await Promise.all([
    options.classifier.classify(bytes),
    measureImage(bytes).catch(() => null),
  ]);
  // The log names the promoted version, whatever number the model file itself carries.
  const prediction = { ...raw, version: options.version };
  const record: PredictionRecord = {
    ...predictionRecord(prediction, {
      time: (options.now ?? (() => new Date()))(),
      source: 'app',
      role: 'rescore',
      photoId: id,
      latencyMs: performance.now() - started,
      image,
      projection: undefined,
    }),
  };
  const top = prediction.top.slice(0, 3).map((s) => ({ category: s.category, confidence: s.confidence }));
  return inTransaction(options.database, async (tx) => {
    const before = await tx
      .selectFrom('photos')
      .select('predicted_category')
      .where('id', '=', id)
      .executeTakeFirst();
    await tx
      .insertInto('prediction_log')
      .values(predictionLogRow(record, JSON.stringify(top)))
      .execute();
    await tx
      .updateTable('photos')
      .set({
        predicted_category: prediction.category,
        confidence: prediction.confidence,
        top_json: JSON.stringify(
          prediction.top.map((s) => ({ category: s.category, confidence: s.confidence })),
        ),
        model: prediction.model,
        model_version: options.version,
        ...(voted ? {} : { category: prediction.category }),
      })
      .where('id', '=', id)
      .execute();
    return { changed: before?.predicted_category !== prediction.category };
  });
}
