import type { Generated, Kysely, Migration, Transaction } from 'kysely';
import type { PredictionRecord } from './prediction-record.js';

/** The app database's prediction_log table: the 001 columns plus those the monitoring migration adds. */
export interface PredictionLogTable {
  id: Generated<number>;
  created_at: string;
  kind: 'prediction' | 'correction';
  photo_id: string;
  model: string;
  model_version: number;
  category: string;
  confidence: number;
  top_json: string;
  latency_ms: number;
  source: string | null;
  role: string | null;
  probabilities_json: string | null;
  projection_json: string | null;
  projection_seed: number | null;
  image_width: number | null;
  image_height: number | null;
  brightness: number | null;
  sharpness: number | null;
}

export interface PredictionLogDatabase {
  prediction_log: PredictionLogTable;
}

/**
 * Adds the monitoring columns to prediction_log (all nullable: rows logged before it stay valid, and
 * corrections carry no image) and an index for reading one model's serving rows in time order.
 */
export function predictionLogMigration(): Migration {
  const real = 'double precision';
  return {
    async up(db: Kysely<unknown>) {
      const columns: [string, 'text' | 'integer' | typeof real][] = [
        ['source', 'text'],
        ['role', 'text'],
        ['probabilities_json', 'text'],
        ['projection_json', 'text'],
        ['projection_seed', 'integer'],
        ['image_width', 'integer'],
        ['image_height', 'integer'],
        ['brightness', real],
        ['sharpness', real],
      ];
      // One statement per column: SQLite's ALTER TABLE adds one column at a time.
      for (const [name, type] of columns)
        await db.schema.alterTable('prediction_log').addColumn(name, type).execute();
      await db.schema
        .createIndex('prediction_log_kind_created')
        .on('prediction_log')
        .columns(['kind', 'created_at'])
        .execute();
    },
  };
}

type LogDb = Kysely<PredictionLogDatabase> | Transaction<PredictionLogDatabase>;

/** Appends a prediction record (inside the caller's transaction when it passes one). */
export async function appendPrediction(db: LogDb, record: PredictionRecord, topJson = '[]'): Promise<void> {
  await db.insertInto('prediction_log').values(predictionLogRow(record, topJson)).execute();
}

/** The prediction_log row of a record. */
export function predictionLogRow(record: PredictionRecord, topJson: string): Omit<PredictionLogTable, 'id'> {
  return {
    created_at: record.time,
    kind: 'prediction',
    photo_id: record.photo_id ?? '',
    model: record.model,
    model_version: record.version,
    category: record.category,
    confidence: record.confidence,
    top_json: topJson,
    latency_ms: record.latency_ms,
    source: record.source,
    role: record.role,
    probabilities_json: record.probabilities ? JSON.stringify(record.probabilities) : null,
    projection_json: record.projection ? JSON.stringify(record.projection) : null,
    projection_seed: record.projection_seed,
    image_width: record.image?.width ?? null,
    image_height: record.image?.height ?? null,
    brightness: record.image?.brightness ?? null,
    sharpness: record.image?.sharpness ?? null,
  };
}

export interface LogQuery {
  readonly since?: string | undefined;
  readonly role?: PredictionRecord['role'];
  /** Paging in time order (the schedule reads only its newest windows). */
  readonly offset?: number;
  readonly limit?: number;
}

/** Prediction records in time order (corrections are read separately). */
export async function readPredictions(
  db: Kysely<PredictionLogDatabase>,
  query: LogQuery = {},
): Promise<PredictionRecord[]> {
  let select = filtered(db, query).selectAll().orderBy('created_at').orderBy('id');
  if (query.limit !== undefined) select = select.limit(query.limit);
  if (query.offset) select = select.offset(query.offset);
  const rows = await select.execute();
  return rows.map((row) => ({
    time: row.created_at,
    source: (row.source ?? 'app') as PredictionRecord['source'],
    role: (row.role ?? 'serving') as PredictionRecord['role'],
    photo_id: row.photo_id || null,
    model: row.model,
    version: Number(row.model_version),
    category: row.category,
    confidence: Number(row.confidence),
    probabilities: row.probabilities_json ? (JSON.parse(row.probabilities_json) as number[]) : null,
    latency_ms: Number(row.latency_ms),
    image:
      row.image_width !== null &&
      row.image_height !== null &&
      row.brightness !== null &&
      row.sharpness !== null
        ? {
            width: Number(row.image_width),
            height: Number(row.image_height),
            brightness: Number(row.brightness),
            sharpness: Number(row.sharpness),
          }
        : null,
    projection: row.projection_json ? (JSON.parse(row.projection_json) as number[]) : null,
    projection_seed: row.projection_seed === null ? null : Number(row.projection_seed),
  }));
}

/** How many predictions a query matches. */
export async function countPredictions(
  db: Kysely<PredictionLogDatabase>,
  query: LogQuery = {},
): Promise<number> {
  const row = await filtered(db, query)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function filtered(db: Kysely<PredictionLogDatabase>, query: LogQuery) {
  let select = db.selectFrom('prediction_log').where('kind', '=', 'prediction');
  if (query.since) select = select.where('created_at', '>=', query.since);
  if (query.role)
    select = select.where((eb) =>
      eb.or([eb('role', '=', query.role!), ...(query.role === 'serving' ? [eb('role', 'is', null)] : [])]),
    );
  return select;
}

/** Photo ids with at least one correction, and when each was first corrected. */
export async function readCorrections(db: Kysely<PredictionLogDatabase>): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('prediction_log')
    .select(['photo_id', (eb) => eb.fn.min('created_at').as('first')])
    .where('kind', '=', 'correction')
    .groupBy('photo_id')
    .execute();
  return new Map(rows.map((r) => [r.photo_id, String(r.first)]));
}

/** Retention: deletes log rows older than `before`; returns how many went. */
export async function prunePredictionLog(db: Kysely<PredictionLogDatabase>, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('prediction_log')
    .where('created_at', '<', before.toISOString())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Kysely's database type is invariant; the app's schema holds this table, so its handle is read as this one. */
export function asLogDatabase(db: unknown): Kysely<PredictionLogDatabase> {
  return db as Kysely<PredictionLogDatabase>;
}
