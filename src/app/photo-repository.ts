import { sql } from 'kysely';
import type { ClassScore } from '../inference/index.js';
import { type PredictionRecord, predictionLogRow } from '../monitoring/index.js';
import type { Vote } from './correction-votes.js';
import { type DatabaseHandle, inTransaction, type PhotoTable } from './database.js';

export interface Photo {
  readonly id: string;
  readonly createdAt: string;
  readonly caption: string | null;
  readonly ownerHash: string;
  readonly imageKey: string;
  readonly thumbKey: string;
  readonly mime: string;
  readonly width: number;
  readonly height: number;
  readonly bytes: number;
  readonly category: string;
  readonly predictedCategory: string;
  readonly confidence: number;
  readonly top: readonly ClassScore[];
  readonly model: string;
  readonly modelVersion: number;
  readonly latencyMs: number;
}

export interface Correction {
  readonly photoId: string;
  readonly createdAt: string;
  readonly predictedCategory: string;
  readonly predictedConfidence: number;
  readonly model: string;
  readonly modelVersion: number;
  readonly category: string;
  readonly imageKey: string;
  readonly mime: string;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly total: number;
  readonly page: number;
  readonly pageSize: number;
}

/** Every query the app runs, written once for SQLite and PostgreSQL alike. */
export class PhotoRepository {
  constructor(private readonly handle: DatabaseHandle) {}

  /** Records blob keys about to be written (or deleted), before any byte is: see PendingBlobTable. */
  async reserveBlobs(keys: readonly string[], instance: string, at: string): Promise<void> {
    await this.handle.db
      .insertInto('pending_blobs')
      .values(keys.map((key) => ({ key, instance, created_at: at })))
      .execute();
  }

  async releaseBlobs(keys: readonly string[]): Promise<void> {
    if (keys.length > 0) await this.handle.db.deleteFrom('pending_blobs').where('key', 'in', keys).execute();
  }

  /** Pending keys of `instance`, and anyone's older than `before` (an instance that never came back). */
  async pendingBlobs(instance: string, before: string): Promise<string[]> {
    const rows = await this.handle.db
      .selectFrom('pending_blobs')
      .select('key')
      .where((eb) => eb.or([eb('instance', '=', instance), eb('created_at', '<', before)]))
      .execute();
    return rows.map((r) => r.key);
  }

  /** Stores the photo and its prediction-log line together, or neither, and releases its pending blob keys. */
  async insert(photo: Photo, record: PredictionRecord): Promise<void> {
    await inTransaction(this.handle, async (tx) => {
      await tx.deleteFrom('pending_blobs').where('key', 'in', [photo.imageKey, photo.thumbKey]).execute();
      await tx.insertInto('photos').values(toRow(photo)).execute();
      await tx
        .insertInto('prediction_log')
        .values(predictionLogRow(record, JSON.stringify(photo.top.slice(0, 3))))
        .execute();
    });
  }

  async get(id: string): Promise<Photo | undefined> {
    const row = await this.handle.db.selectFrom('photos').selectAll().where('id', '=', id).executeTakeFirst();
    return row && fromRow(row);
  }

  async list(options: {
    category?: string | undefined;
    page: number;
    pageSize: number;
  }): Promise<Page<Photo>> {
    const { db } = this.handle;
    let query = db.selectFrom('photos');
    if (options.category !== undefined) query = query.where('category', '=', options.category);
    const [rows, count] = await Promise.all([
      query
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(options.pageSize)
        .offset((options.page - 1) * options.pageSize)
        .execute(),
      query.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
    ]);
    return {
      items: rows.map(fromRow),
      total: Number(count.n),
      page: options.page,
      pageSize: options.pageSize,
    };
  }

  async countsByCategory(): Promise<Map<string, number>> {
    const rows = await this.handle.db
      .selectFrom('photos')
      .select(['category', (eb) => eb.fn.countAll().as('n')])
      .groupBy('category')
      .execute();
    return new Map(rows.map((r) => [r.category, Number(r.n)]));
  }

  /**
   * Records a visitor's vote (one per visitor per photo: a second vote replaces the first) with the prediction
   * it corrects, then sets the shown category as `decide` says from all the photo's votes. A change of the shown
   * category is what the prediction log records as a correction: the label monitoring should believe.
   */
  async vote(
    photo: Photo,
    voterHash: string,
    category: string,
    at: string,
    decide: (votes: readonly Vote[]) => string,
  ): Promise<string> {
    return inTransaction(this.handle, async (tx) => {
      await tx
        .insertInto('corrections')
        .values({
          photo_id: photo.id,
          voter_hash: voterHash,
          created_at: at,
          predicted_category: photo.predictedCategory,
          predicted_confidence: photo.confidence,
          model: photo.model,
          model_version: photo.modelVersion,
          category,
        })
        .onConflict((oc) => oc.columns(['photo_id', 'voter_hash']).doUpdateSet({ category, created_at: at }))
        .execute();
      const rows = await tx
        .selectFrom('corrections')
        .select(['voter_hash', 'category'])
        .where('photo_id', '=', photo.id)
        .where('voter_hash', 'is not', null)
        .execute();
      const current = await tx
        .selectFrom('photos')
        .select('category')
        .where('id', '=', photo.id)
        .executeTakeFirst();
      const shown = decide(rows.map((r) => ({ voterHash: r.voter_hash ?? '', category: r.category })));
      if (current && current.category !== shown) {
        await tx.updateTable('photos').set({ category: shown }).where('id', '=', photo.id).execute();
        await tx
          .insertInto('prediction_log')
          .values({
            created_at: at,
            kind: 'correction',
            photo_id: photo.id,
            model: photo.model,
            model_version: photo.modelVersion,
            category: shown,
            confidence: photo.confidence,
            top_json: JSON.stringify(photo.top.slice(0, 3)),
            latency_ms: photo.latencyMs,
          })
          .execute();
      }
      return shown;
    });
  }

  /**
   * One label per photo for retraining: the latest vote for the category the photo shows, so only labels the
   * owner gave or a quorum agreed on are exported, never a lone anonymous vote.
   */
  async latestCorrections(): Promise<Correction[]> {
    const { db } = this.handle;
    const latest = db
      .selectFrom('corrections')
      .select(['photo_id', 'category', (eb) => eb.fn.max('id').as('last_id')])
      .groupBy(['photo_id', 'category'])
      .as('latest');
    const rows = await db
      .selectFrom('corrections as c')
      .innerJoin(latest, 'latest.last_id', 'c.id')
      .innerJoin('photos as p', (join) =>
        join.onRef('p.id', '=', 'c.photo_id').onRef('p.category', '=', 'c.category'),
      )
      .select([
        'c.photo_id',
        'c.created_at',
        'c.predicted_category',
        'c.predicted_confidence',
        'c.model',
        'c.model_version',
        'c.category',
        'p.image_key',
        'p.mime',
      ])
      .orderBy('c.id')
      .execute();
    return rows.map((r) => ({
      photoId: r.photo_id,
      createdAt: r.created_at,
      predictedCategory: r.predicted_category,
      predictedConfidence: Number(r.predicted_confidence),
      model: r.model,
      modelVersion: Number(r.model_version),
      category: r.category,
      imageKey: r.image_key,
      mime: r.mime,
    }));
  }

  /**
   * Removes the photo and its corrections; the prediction log keeps its lines (no image, no caption). With
   * `pending`, its blob keys are recorded in the same transaction, so the blobs are deleted even if the process
   * dies before it gets to them.
   */
  async delete(
    id: string,
    pending?: { keys: readonly string[]; instance: string; at: string },
  ): Promise<void> {
    await inTransaction(this.handle, async (tx) => {
      await tx.deleteFrom('corrections').where('photo_id', '=', id).execute();
      await tx.deleteFrom('photos').where('id', '=', id).execute();
      if (pending)
        await tx
          .insertInto('pending_blobs')
          .values(pending.keys.map((key) => ({ key, instance: pending.instance, created_at: pending.at })))
          .onConflict((oc) => oc.column('key').doNothing())
          .execute();
    });
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.handle.db);
  }
}

function toRow(photo: Photo): PhotoTable {
  return {
    id: photo.id,
    created_at: photo.createdAt,
    caption: photo.caption,
    owner_hash: photo.ownerHash,
    image_key: photo.imageKey,
    thumb_key: photo.thumbKey,
    mime: photo.mime,
    width: photo.width,
    height: photo.height,
    bytes: photo.bytes,
    category: photo.category,
    predicted_category: photo.predictedCategory,
    confidence: photo.confidence,
    top_json: JSON.stringify(photo.top),
    model: photo.model,
    model_version: photo.modelVersion,
    latency_ms: photo.latencyMs,
  };
}

function fromRow(row: PhotoTable): Photo {
  return {
    id: row.id,
    createdAt: row.created_at,
    caption: row.caption,
    ownerHash: row.owner_hash,
    imageKey: row.image_key,
    thumbKey: row.thumb_key,
    mime: row.mime,
    width: Number(row.width),
    height: Number(row.height),
    bytes: Number(row.bytes),
    category: row.category,
    predictedCategory: row.predicted_category,
    // PostgreSQL's driver returns numbers as numbers for double precision, but be explicit for both.
    confidence: Number(row.confidence),
    top: JSON.parse(row.top_json) as ClassScore[],
    model: row.model,
    modelVersion: Number(row.model_version),
    latencyMs: Number(row.latency_ms),
  };
}
