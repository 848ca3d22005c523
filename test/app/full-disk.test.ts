import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { buildApp, type DatabaseHandle, FolderBlobStore, openDatabase } from '../../src/app/index.js';
import type { LocalClassifier } from '../../src/inference/index.js';
import { createTestClassifier } from './fixtures.js';
import { adminToken, upload, visit } from './harness.js';

const run = promisify(execFile);

let mount: string;
let mounted = false;
let classifier: LocalClassifier;
let database: DatabaseHandle;

// A real full disk: a 4 MiB tmpfs holding the SQLite database and the photos (needs root, as in .ci/run).
before(async () => {
  mount = await mkdtemp(join(tmpdir(), 'gg-full-'));
  mounted = await run('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mount]).then(
    () => true,
    () => false,
  );
  if (!mounted) return;
  classifier = await createTestClassifier();
  database = await openDatabase({ url: join(mount, 'app.db') });
});
after(async () => {
  await database?.close();
  await classifier?.close();
  if (mounted) await run('umount', [mount]);
  await rm(mount, { recursive: true, force: true });
});

it('should answer 507 when the disk is full and still let an admin delete to free space', async (t) => {
  if (!mounted) return t.skip('cannot mount a tmpfs here (needs root)');
  const app = await buildApp({
    classifier,
    database,
    blobs: new FolderBlobStore(join(mount, 'blobs')),
    adminToken,
    uploadsPerMinute: 1000,
  });
  try {
    const owner = await visit(app);
    const noisy = (seed: number) =>
      sharp({
        create: {
          width: 900,
          height: 900,
          channels: 3,
          background: '#888',
          noise: { type: 'gaussian', mean: 128 + seed, sigma: 60 },
        },
      })
        .jpeg({ quality: 95 })
        .toBuffer();
    const ids: string[] = [];
    let full: { statusCode: number; body: string } | undefined;
    for (let i = 0; i < 40 && !full; i++) {
      const res = await upload(app, owner, await noisy(i), { json: true });
      if (res.statusCode === 201) ids.push(res.json().id);
      else full = res;
    }
    assert.ok(full, 'the disk filled up');
    assert.ok(ids.length >= 1);
    assert.equal(full.statusCode, 507, full.body);
    assert.equal(JSON.parse(full.body).code, 'GG_ERR_STORAGE_FULL');

    // Every last byte taken, as when another process fills the disk: even SQLite's journal cannot grow now.
    const filler = await open(join(mount, 'filler'), 'w');
    try {
      for (let i = 0; i < 4096; i++) await filler.write(Buffer.alloc(1024));
      assert.fail('the tmpfs should have been full');
    } catch (error) {
      assert.equal((error as NodeJS.ErrnoException).code, 'ENOSPC');
    } finally {
      await filler.close();
    }

    for (const id of ids.slice(0, 2)) {
      const deleted = await app.inject({
        method: 'DELETE',
        url: `/api/photos/${id}`,
        headers: { authorization: `Bearer ${adminToken}` },
      });
      assert.equal(deleted.statusCode, 204, deleted.body);
      assert.equal((await app.inject({ url: `/api/photos/${id}` })).statusCode, 404);
    }
    const again = await upload(app, owner, await noisy(1), { json: true });
    assert.equal(again.statusCode, 201, 'the freed space takes a new photo');
  } finally {
    await app.close();
  }
});
