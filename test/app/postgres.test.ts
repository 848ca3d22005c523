import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { LocalClassifier } from '../../src/inference/index.js';
import { createTestClassifier, foodPhoto } from './fixtures.js';
import {
  adminToken,
  countRows,
  type Harness,
  listFiles,
  startHarness,
  upload,
  type Visitor,
  visit,
} from './harness.js';

const url = process.env.GOURMETGRAM_TEST_DATABASE_URL;

describe('the app on PostgreSQL', {
  skip: url ? false : 'GOURMETGRAM_TEST_DATABASE_URL is not set; .ci/run sets it',
}, () => {
  // A schema of its own, so parallel runs and other suites on the same server never see each other's rows.
  const schema = `gg_app_test_${randomBytes(4).toString('hex')}`;
  let classifier: LocalClassifier;
  let h: Harness;
  let owner: Visitor;

  before(async () => {
    classifier = await createTestClassifier();
    h = await startHarness(classifier, { databaseUrl: url!, schema });
    owner = await visit(h.app);
  });
  after(async () => {
    if (h) await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(h.database.db);
    await h?.close();
    await classifier?.close();
  });

  it('should run the migrations into its schema', async () => {
    assert.equal(h.database.dialect, 'postgres');
    const tables = await sql<{
      table_name: string;
    }>`select table_name from information_schema.tables where table_schema = ${schema}`.execute(
      h.database.db,
    );
    const names = tables.rows.map((r) => r.table_name).sort();
    for (const table of ['corrections', 'photos', 'prediction_log']) assert.ok(names.includes(table), table);
  });

  it('should upload, list, correct, export and delete through the same queries', async () => {
    const first = await upload(h.app, owner, await foodPhoto(0), { json: true, caption: 'pg plate' });
    assert.equal(first.statusCode, 201);
    const second = await upload(h.app, owner, await foodPhoto(5), { json: true });
    assert.equal(second.statusCode, 201);
    const { id, category } = first.json();

    const list = (await h.app.inject({ url: '/api/photos?page_size=1' })).json();
    assert.equal(list.total, 2);
    assert.equal(list.photos[0].id, second.json().id);
    const one = (await h.app.inject({ url: `/api/photos/${id}` })).json();
    assert.equal(one.caption, 'pg plate');
    assert.equal(typeof one.confidence, 'number');
    assert.equal(typeof one.model_version, 'number');
    const counts = (await h.app.inject({ url: '/api/categories' })).json();
    assert.equal(
      counts.categories.reduce((n: number, c: { count: number }) => n + c.count, 0),
      2,
    );

    const target = classifier.info().classes.find((c) => c !== category)!;
    const corrected = await h.app.inject({
      method: 'POST',
      url: `/api/photos/${id}/corrections`,
      headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrf },
      payload: { category: target },
    });
    assert.equal(corrected.statusCode, 200);
    const csv = await h.app.inject({
      url: '/admin/corrections.csv',
      headers: { authorization: `Bearer ${adminToken}` },
    });
    assert.match(
      csv.body,
      new RegExp(`^${id},.*,${target.replace('/', '\\/')},${category.replace('/', '\\/')},`, 'm'),
    );
    assert.equal(await countRows(h.database, 'prediction_log'), 3);

    const page = await h.app.inject({ url: `/photos/${id}` });
    assert.match(page.body, /The community says it is/);

    const deleted = await h.app.inject({
      method: 'DELETE',
      url: `/api/photos/${id}`,
      headers: { authorization: `Bearer ${adminToken}` },
    });
    assert.equal(deleted.statusCode, 204);
    assert.equal(await countRows(h.database, 'photos'), 1);
    assert.equal(await countRows(h.database, 'corrections'), 0);
    assert.equal((await listFiles(h.dir)).filter((f) => f.includes(id)).length, 0);
  });
});
