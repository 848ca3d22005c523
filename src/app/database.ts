import Database from 'better-sqlite3';
import {
  type Generated,
  Kysely,
  type Migration,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  sql,
} from 'kysely';
import pg from 'pg';
import { type PredictionLogTable, predictionLogMigration } from '../monitoring/index.js';
import { AppError } from './errors.js';

export interface PhotoTable {
  id: string;
  created_at: string;
  caption: string | null;
  /** SHA-256 of the uploader's cookie token: lets the owner delete without accounts, reveals nothing. */
  owner_hash: string;
  image_key: string;
  thumb_key: string;
  mime: string;
  width: number;
  height: number;
  bytes: number;
  /** The category shown and browsed: the latest correction if any, else the prediction. */
  category: string;
  predicted_category: string;
  confidence: number;
  /** JSON array of { category, confidence }, most likely first. */
  top_json: string;
  model: string;
  model_version: number;
  /** Wall time of the classification as the app saw it. */
  latency_ms: number;
}

export interface CorrectionTable {
  id: Generated<number>;
  photo_id: string;
  /** SHA-256 of the voter's owner token (or 'admin'): one vote per visitor per photo. Null before migration 002. */
  voter_hash: string | null;
  created_at: string;
  /** The prediction being corrected, copied so the label survives a later re-classification. */
  predicted_category: string;
  predicted_confidence: number;
  model: string;
  model_version: number;
  category: string;
}

/** Append-only: every prediction and every correction, for monitoring (its columns: src/monitoring). */
export type { PredictionLogTable };

/**
 * Blob keys being written or deleted: a row exists from before the first byte is written until the photo's row
 * commits (or the blob is gone), so a process killed in between leaves a record that start-up recovery follows.
 */
export interface PendingBlobTable {
  key: string;
  /** The app instance (data folder) that wrote it: its own rows are garbage as soon as it starts again. */
  instance: string;
  created_at: string;
}

export interface AppDatabase {
  pending_blobs: PendingBlobTable;
  photos: PhotoTable;
  corrections: CorrectionTable;
  prediction_log: PredictionLogTable;
}

export type Dialect = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  readonly db: Kysely<AppDatabase>;
  readonly dialect: Dialect;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres://… for PostgreSQL; otherwise a SQLite file path (or ':memory:'). */
  readonly url: string;
  /** PostgreSQL only: a schema to create and use (tests isolate themselves this way). */
  readonly schema?: string | undefined;
  /** PostgreSQL only: told when an idle pooled connection dies (server restart, failover, network). */
  readonly onConnectionError?: ((error: Error) => void) | undefined;
}

/**
 * Runs `work` in a transaction on one connection. Unlike Kysely's `transaction()`, a failed rollback never hides
 * the error that caused it: SQLite rolls back by itself on SQLITE_FULL, and Kysely's own ROLLBACK then fails
 * with "no transaction is active", which used to replace "disk full" (so a full disk looked like a bug).
 */
export async function inTransaction<T>(
  handle: DatabaseHandle,
  work: (tx: Kysely<AppDatabase>) => Promise<T>,
): Promise<T> {
  return handle.db.connection().execute(async (connection) => {
    await sql`begin`.execute(connection);
    try {
      const result = await work(connection);
      await sql`commit`.execute(connection);
      return result;
    } catch (error) {
      await sql`rollback`.execute(connection).catch(() => undefined);
      throw error;
    }
  });
}

/** Opens the database and brings its schema up to date before anything else touches it. */
export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  const isPostgres = /^postgres(ql)?:\/\//.test(options.url);
  let db: Kysely<AppDatabase>;
  if (isPostgres) {
    if (options.schema && !/^[a-z_][a-z0-9_]*$/.test(options.schema))
      throw new Error(`bad schema name ${options.schema}`);
    const pool = new pg.Pool({
      connectionString: options.url,
      max: 10,
      // A request during an outage should fail fast (503) rather than wait on a server that is not there.
      connectionTimeoutMillis: 3000,
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    });
    // An idle client whose server went away emits 'error' on the pool; with no listener that is an uncaught
    // exception that kills the app (57P01 on every PostgreSQL restart). The pool has already dropped that
    // client and connects anew on the next query, so the app recovers by itself when the server is back.
    pool.on('error', (error) => options.onConnectionError?.(error));
    // A client checked out when the server goes (mid-query or inside a transaction) emits 'error' on itself:
    // the pool listens only to idle ones, so without this listener a restart under load still killed the app.
    // Its query rejects on its own, and the pool discards the broken client when it is released.
    pool.on('connect', (client) => client.on('error', (error) => options.onConnectionError?.(error)));
    db = new Kysely<AppDatabase>({ dialect: new PostgresDialect({ pool }) });
    if (options.schema) await sql`create schema if not exists ${sql.id(options.schema)}`.execute(db);
  } else {
    const sqlite = new Database(options.url);
    // WAL lets readers (page views) proceed while an upload writes.
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    db = new Kysely<AppDatabase>({ dialect: new SqliteDialect({ database: sqlite }) });
  }
  const dialect: Dialect = isPostgres ? 'postgres' : 'sqlite';
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations(dialect) } });
  const { error } = await migrator.migrateToLatest();
  if (error) {
    await db.destroy();
    throw new AppError(
      'GG_ERR_DATABASE',
      `database migration failed: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
  return { db, dialect, close: () => db.destroy() };
}

/**
 * The schema's history, one entry per version, applied in name order by Kysely's Migrator. An entry never
 * changes once released: a new column is a new entry.
 */
function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    '001-photos': photosMigration(dialect),
    '002-correction-votes': correctionVotesMigration,
    '003-pending-blobs': pendingBlobsMigration,
    '004-prediction-log-monitoring': predictionLogMigration(),
  };
}

/** Photos, their corrections and the first prediction log. */
function photosMigration(dialect: Dialect): Migration {
  const serial = dialect === 'postgres' ? 'serial' : 'integer';
  const real = 'double precision';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('photos')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('caption', 'text')
        .addColumn('owner_hash', 'text', (c) => c.notNull())
        .addColumn('image_key', 'text', (c) => c.notNull())
        .addColumn('thumb_key', 'text', (c) => c.notNull())
        .addColumn('mime', 'text', (c) => c.notNull())
        .addColumn('width', 'integer', (c) => c.notNull())
        .addColumn('height', 'integer', (c) => c.notNull())
        .addColumn('bytes', 'integer', (c) => c.notNull())
        .addColumn('category', 'text', (c) => c.notNull())
        .addColumn('predicted_category', 'text', (c) => c.notNull())
        .addColumn('confidence', real, (c) => c.notNull())
        .addColumn('top_json', 'text', (c) => c.notNull())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('model_version', 'integer', (c) => c.notNull())
        .addColumn('latency_ms', real, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('photos_created').on('photos').columns(['created_at', 'id']).execute();
      await db.schema
        .createIndex('photos_category')
        .on('photos')
        .columns(['category', 'created_at'])
        .execute();
      await db.schema
        .createTable('corrections')
        .addColumn('id', serial, (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('photo_id', 'text', (c) => c.notNull().references('photos.id').onDelete('cascade'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('predicted_category', 'text', (c) => c.notNull())
        .addColumn('predicted_confidence', real, (c) => c.notNull())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('model_version', 'integer', (c) => c.notNull())
        .addColumn('category', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('corrections_photo').on('corrections').column('photo_id').execute();
      await db.schema
        .createTable('prediction_log')
        .addColumn('id', serial, (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('photo_id', 'text', (c) => c.notNull())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('model_version', 'integer', (c) => c.notNull())
        .addColumn('category', 'text', (c) => c.notNull())
        .addColumn('confidence', real, (c) => c.notNull())
        .addColumn('top_json', 'text', (c) => c.notNull())
        .addColumn('latency_ms', real, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('prediction_log_created')
        .on('prediction_log')
        .column('created_at')
        .execute();
    },
  };
}

/** One vote per client and photo. */
const correctionVotesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('corrections').addColumn('voter_hash', 'text').execute();
    // Rows from before have no voter (null): unique indexes treat nulls as distinct in both databases.
    await db.schema
      .createIndex('corrections_vote')
      .on('corrections')
      .columns(['photo_id', 'voter_hash'])
      .unique()
      .execute();
  },
};

/** Blobs written but not yet recorded: what start-up recovery removes after a crash. */
const pendingBlobsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('pending_blobs')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('instance', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
  },
};
