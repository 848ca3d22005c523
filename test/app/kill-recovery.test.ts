import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { openDatabase } from '../../src/app/index.js';
import { openSession, startAppProcess, uploadOverHttp } from './app-process.js';
import { foodPhoto } from './fixtures.js';
import { listFiles } from './harness.js';
import { PrivatePostgres, postgresBin } from './private-postgres.js';

/** Blob files versus the keys the database refers to: what a crash may have left behind. */
async function litter(
  dataDir: string,
  databaseUrl: string,
): Promise<{ orphans: string[]; partial: string[]; pending: number }> {
  const root = join(dataDir, 'blobs');
  const files = (await listFiles(root)).map((f) => relative(root, f));
  const database = await openDatabase({ url: databaseUrl });
  try {
    const rows = await database.db.selectFrom('photos').select(['image_key', 'thumb_key']).execute();
    const keys = new Set(rows.flatMap((r) => [r.image_key, r.thumb_key]));
    const pending = await database.db.selectFrom('pending_blobs').select('key').execute();
    return {
      orphans: files.filter((f) => !f.endsWith('.partial') && !keys.has(f)),
      partial: files.filter((f) => f.endsWith('.partial')),
      pending: pending.length,
    };
  } finally {
    await database.close();
  }
}

/** Eight clients uploading real photos; the app is killed with SIGKILL once a few have landed. */
async function killDuringBurst(args: string[]): Promise<number> {
  const app = await startAppProcess([...args, '--uploads-per-minute', '1000']);
  const photos = await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map((i) => foodPhoto(i * 5)));
  let stored = 0;
  let killed = false;
  const client = async (i: number) => {
    const session = await openSession(app.url);
    for (let n = 0; n < 20 && !killed; n++) {
      const res = await uploadOverHttp(app.url, session, photos[(i + n) % photos.length]!).catch(
        () => undefined,
      );
      if (res?.status === 201) stored++;
      if (stored >= 6 && !killed) {
        killed = true;
        app.child.kill('SIGKILL');
      }
    }
  };
  await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map(client));
  if (!killed) app.child.kill('SIGKILL');
  await app.stop();
  return stored;
}

async function crashAndRecover(args: string[], dataDir: string, databaseUrl: string) {
  await killDuringBurst(args);
  const before = await litter(dataDir, databaseUrl);
  const restarted = await startAppProcess(args);
  assert.equal((await fetch(`${restarted.url}/health`)).status, 200);
  assert.equal(await restarted.stop(), 0);
  const after = await litter(dataDir, databaseUrl);
  return { before, after };
}

describe('kill -9 during an upload burst', () => {
  it('should leave no orphan blob or partial file after a restart (SQLite)', async (t) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'gg-kill-'));
    try {
      const { before, after } = await crashAndRecover(
        ['--data-dir', dataDir],
        dataDir,
        join(dataDir, 'gourmetgram.db'),
      );
      t.diagnostic(
        `before recovery: ${before.orphans.length} orphans, ${before.partial.length} partial, ${before.pending} pending`,
      );
      assert.deepEqual(after, { orphans: [], partial: [], pending: 0 });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('should leave no orphan blob or partial file after a restart (PostgreSQL)', {
    skip: postgresBin() ? false : 'PostgreSQL server binaries are not installed',
  }, async (t) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'gg-kill-'));
    const pg = await PrivatePostgres.create();
    try {
      const args = ['--data-dir', dataDir, '--database-url', pg.url];
      const { before, after } = await crashAndRecover(args, dataDir, pg.url);
      t.diagnostic(
        `before recovery: ${before.orphans.length} orphans, ${before.partial.length} partial, ${before.pending} pending`,
      );
      assert.deepEqual(after, { orphans: [], partial: [], pending: 0 });
    } finally {
      await pg.destroy();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
