import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import {
  type AppOptions,
  type BlobStore,
  buildApp,
  type DatabaseHandle,
  FolderBlobStore,
  openDatabase,
} from '../../src/app/index.js';
import type { Classifier } from '../../src/inference/index.js';

export const adminToken = 'test-admin-token-0123456789';

export interface Harness {
  readonly app: FastifyInstance;
  readonly database: DatabaseHandle;
  readonly blobs: BlobStore;
  readonly dir: string;
  close(): Promise<void>;
}

/** A real app on a fresh SQLite file (or the given database URL) and a fresh blob folder. */
export async function startHarness(
  classifier: Classifier,
  options: Partial<AppOptions> & { databaseUrl?: string; schema?: string } = {},
): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'gg-app-test-'));
  const database = await openDatabase({
    url: options.databaseUrl ?? join(dir, 'app.db'),
    schema: options.schema,
  });
  const blobs = options.blobs ?? new FolderBlobStore(join(dir, 'blobs'));
  const app = await buildApp({
    classifier,
    database,
    blobs,
    adminToken,
    exportDir: join(dir, 'exports'),
    ...options,
  });
  return {
    app,
    database,
    blobs,
    dir,
    async close() {
      await app.close();
      await database.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface Visitor {
  readonly cookie: string;
  readonly csrf: string;
}

/** Opens the home page like a browser: keeps its cookies (owner, CSRF secret) and the form's CSRF token. */
export async function visit(app: FastifyInstance): Promise<Visitor> {
  const home = await app.inject({ method: 'GET', url: '/' });
  const setCookie = home.headers['set-cookie'];
  const cookies = (Array.isArray(setCookie) ? setCookie : [String(setCookie ?? '')])
    .map((c) => c.split(';')[0] ?? '')
    .filter((c) => c.includes('='));
  const csrf = /name="_csrf" value="([^"]+)"/.exec(home.body)?.[1];
  if (cookies.length < 2 || !csrf) throw new Error('home page gave no cookies or CSRF token');
  return { cookie: cookies.join('; '), csrf };
}

export interface FilePart {
  readonly field?: string;
  readonly filename?: string;
  readonly type?: string;
  readonly bytes: Uint8Array;
}

export function multipart(
  fields: Record<string, string>,
  file?: FilePart,
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----gg${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(fields))
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  if (file) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field ?? 'photo'}"; filename="${file.filename ?? 'dish.jpg'}"\r\n` +
          `Content-Type: ${file.type ?? 'image/jpeg'}\r\n\r\n`,
      ),
      Buffer.from(file.bytes),
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(chunks),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/**
 * Uploads as `visitor`; `undefined` is a new visitor who opens the home page first (as a browser does), and
 * `'anonymous'` a client with no cookie at all.
 */
export async function upload(
  app: FastifyInstance,
  who: Visitor | undefined | 'anonymous',
  bytes: Uint8Array,
  options: {
    caption?: string;
    json?: boolean;
    csrf?: string | null;
    type?: string;
    ip?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<LightMyRequestResponse> {
  const visitor = who === 'anonymous' ? undefined : (who ?? (await visit(app)));
  const fields: Record<string, string> = {};
  const csrf = options.csrf === undefined ? visitor?.csrf : options.csrf;
  if (csrf) fields._csrf = csrf;
  if (options.caption !== undefined) fields.caption = options.caption;
  const body = multipart(fields, { bytes, ...(options.type ? { type: options.type } : {}) });
  return app.inject({
    method: 'POST',
    url: '/upload',
    payload: body.payload,
    remoteAddress: options.ip ?? '10.0.0.1',
    headers: {
      ...body.headers,
      ...(visitor ? { cookie: visitor.cookie } : {}),
      accept: options.json ? 'application/json' : 'text/html,application/xhtml+xml',
      ...options.headers,
    },
  });
}

/** Every file under a folder, recursively (to prove nothing was left behind). */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

export async function countRows(
  database: DatabaseHandle,
  table: 'photos' | 'corrections' | 'prediction_log',
): Promise<number> {
  const row = await database.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
