import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { LocalClassifier } from '../../src/inference/index.js';
import { createTestClassifier, generatedPhoto } from './fixtures.js';
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

let classifier: LocalClassifier;
let h: Harness;
let owner: Visitor;
let stranger: Visitor;
let neighbour: Visitor;
const ids: string[] = [];
let category = '';

before(async () => {
  classifier = await createTestClassifier();
  h = await startHarness(classifier, { pageSize: 2, correctionQuorum: 2 });
  owner = await visit(h.app);
  stranger = await visit(h.app);
  neighbour = await visit(h.app);
  // Same picture three times: same category, so the category page has two pages of two.
  const photo = await generatedPhoto(11);
  for (let i = 0; i < 3; i++) {
    const res = await upload(h.app, owner, photo, { json: true, caption: `plate ${i}` });
    assert.equal(res.statusCode, 201);
    ids.push(res.json().id);
    category = res.json().category;
  }
});
after(async () => {
  await h?.close();
  await classifier?.close();
});

const slug = (c: string) =>
  c
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const formHeaders = (v: Visitor, accept = 'text/html') => ({
  cookie: v.cookie,
  'content-type': 'application/x-www-form-urlencoded',
  accept,
});

describe('browsing', () => {
  it('should page a category newest first', async () => {
    const first = await h.app.inject({ url: `/categories/${slug(category)}` });
    assert.equal(first.statusCode, 200);
    assert.match(first.body, /Page 1 of 2/);
    assert.ok(first.body.includes(`/photos/${ids[2]}`) && first.body.includes(`/photos/${ids[1]}`));
    assert.ok(!first.body.includes(`/photos/${ids[0]}"`));
    const second = await h.app.inject({ url: `/categories/${slug(category)}?page=2` });
    assert.ok(second.body.includes(`/photos/${ids[0]}`));
    assert.match(second.body, /rel="prev"/);
  });

  it('should answer 404 for an unknown or malformed category and 400 for a bad page number', async () => {
    assert.equal((await h.app.inject({ url: '/categories/pizza' })).statusCode, 404);
    assert.equal((await h.app.inject({ url: `/categories/${slug(category)}?page=0` })).statusCode, 400);
    assert.equal((await h.app.inject({ url: `/categories/${slug(category)}?page=abc` })).statusCode, 400);
    // A malformed path names no resource: 404, like any other address with nothing behind it.
    assert.equal((await h.app.inject({ url: '/categories/..%2Fetc' })).statusCode, 404);
  });

  it('should list, filter and page photos as JSON', async () => {
    const all = (await h.app.inject({ url: '/api/photos?page_size=2' })).json();
    assert.equal(all.total, 3);
    assert.deepEqual(
      all.photos.map((p: { id: string }) => p.id),
      [ids[2], ids[1]],
    );
    const byCategory = (
      await h.app.inject({ url: `/api/photos?category=${encodeURIComponent(category)}` })
    ).json();
    assert.equal(byCategory.total, 3);
    const bySlug = (
      await h.app.inject({ url: `/api/photos?category=${slug(category)}&page=2&page_size=2` })
    ).json();
    assert.deepEqual(
      bySlug.photos.map((p: { id: string }) => p.id),
      [ids[0]],
    );
    assert.equal((await h.app.inject({ url: '/api/photos?category=pizza' })).statusCode, 404);
    assert.equal((await h.app.inject({ url: '/api/photos?page_size=1000' })).statusCode, 400);
    assert.equal((await h.app.inject({ url: '/api/photos?sort=evil' })).statusCode, 400);
    const counts = (await h.app.inject({ url: '/api/categories' })).json();
    assert.equal(counts.categories.find((c: { name: string }) => c.name === category).count, 3);
  });

  it('should return one photo as JSON, and 404 for a missing or malformed id', async () => {
    const one = await h.app.inject({ url: `/api/photos/${ids[0]}` });
    assert.equal(one.statusCode, 200);
    assert.equal(one.json().caption, 'plate 0');
    assert.equal(one.json().top.length >= 3, true);
    const missing = await h.app.inject({ url: `/api/photos/${'0'.repeat(20)}` });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().code, 'GG_ERR_PHOTO_NOT_FOUND');
    assert.equal((await h.app.inject({ url: '/api/photos/<script>' })).statusCode, 404);
    assert.equal((await h.app.inject({ url: `/photos/${'0'.repeat(20)}` })).statusCode, 404);
    assert.equal((await h.app.inject({ url: `/photos/${'0'.repeat(20)}/image` })).statusCode, 404);
  });
});

describe('corrections', () => {
  const other = () => classifier.info().classes.find((c) => c !== category)!;

  const vote = (v: Visitor, id: string, category: string) =>
    h.app.inject({
      method: 'POST',
      url: `/photos/${id}/corrections`,
      headers: formHeaders(v),
      payload: form({ _csrf: v.csrf, category }),
    });
  const logKinds = async (id: string) =>
    (
      await h.database.db.selectFrom('prediction_log').select('kind').where('photo_id', '=', id).execute()
    ).map((l) => l.kind);

  it('should count a visitor once and move the photo only when the quorum agrees, then log it', async () => {
    const res = await vote(stranger, ids[0]!, other());
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `/photos/${ids[0]}?corrected=1`);
    const page = await h.app.inject({ url: res.headers.location as string });
    assert.match(page.body, /Thanks! Your correction helps the model learn/);
    assert.ok(!page.body.includes('The community says it is'), 'one vote of two moves nothing');
    assert.equal((await vote(stranger, ids[0]!, other())).statusCode, 303);
    assert.equal((await h.app.inject({ url: `/api/photos/${ids[0]}` })).json().category, category);
    assert.equal(await countRows(h.database, 'corrections'), 1, 'one vote per visitor per photo');
    assert.deepEqual(await logKinds(ids[0]!), ['prediction']);

    assert.equal((await vote(neighbour, ids[0]!, other())).statusCode, 303);
    const moved = await h.app.inject({ url: `/photos/${ids[0]}` });
    assert.ok(moved.body.includes('The community says it is'));
    const row = await h.database.db.selectFrom('corrections').selectAll().executeTakeFirstOrThrow();
    assert.equal(row.predicted_category, category);
    assert.equal(row.category, other());
    const log = await h.database.db
      .selectFrom('prediction_log')
      .selectAll()
      .where('photo_id', '=', ids[0]!)
      .execute();
    assert.deepEqual(
      log.map((l) => l.kind),
      ['prediction', 'correction'],
    );
    assert.equal(JSON.parse(log[0]!.top_json).length, 3);
    assert.ok(Number(log[0]!.latency_ms) > 0);
  });

  it('should refuse a write without the session cookie, and issue no cookie in answer', async () => {
    const before = await countRows(h.database, 'corrections');
    for (const [url, payload, type] of [
      [
        `/photos/${ids[1]}/corrections`,
        form({ _csrf: stranger.csrf, category: other() }),
        'application/x-www-form-urlencoded',
      ],
      [`/api/photos/${ids[1]}/corrections`, JSON.stringify({ category: other() }), 'application/json'],
    ] as const) {
      const res = await h.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': type, 'x-csrf-token': stranger.csrf, accept: 'application/json' },
        payload,
      });
      assert.equal(res.statusCode, 403, url);
      assert.equal(res.json().code, 'GG_ERR_CSRF');
      assert.equal(
        res.headers['set-cookie'],
        undefined,
        'a cross-site POST must not replace the owner cookie',
      );
    }
    const borrowed = await h.app.inject({
      method: 'POST',
      url: `/api/photos/${ids[1]}/corrections`,
      headers: { cookie: owner.cookie, 'x-csrf-token': stranger.csrf },
      payload: { category: other() },
    });
    assert.equal(borrowed.statusCode, 403, "a token is bound to its visitor's cookie");
    assert.equal(await countRows(h.database, 'corrections'), before);
  });

  it('should rate-limit votes per address with 429 and Retry-After', async () => {
    const limited = await startHarness(classifier, { correctionsPerMinute: 2 });
    try {
      const v = await visit(limited.app);
      const id = (await upload(limited.app, v, await generatedPhoto(12), { json: true })).json().id;
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++)
        statuses.push(
          (
            await limited.app.inject({
              method: 'POST',
              url: `/api/photos/${id}/corrections`,
              headers: { cookie: v.cookie, 'x-csrf-token': v.csrf },
              payload: { category: other() },
              remoteAddress: '10.7.7.7',
            })
          ).statusCode,
        );
      assert.deepEqual(statuses, [200, 200, 429]);
    } finally {
      await limited.close();
    }
  });

  it("should take the owner's correction as JSON with the CSRF header, at once", async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: `/api/photos/${ids[1]}/corrections`,
      headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrf },
      payload: { category: other() },
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().category, other());
  });

  it('should refuse an unknown category, a missing token and a stray field', async () => {
    const bad = await h.app.inject({
      method: 'POST',
      url: `/photos/${ids[0]}/corrections`,
      headers: formHeaders(owner, 'application/json'),
      payload: form({ _csrf: owner.csrf, category: 'Pizza' }),
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, 'GG_ERR_CATEGORY');
    const noToken = await h.app.inject({
      method: 'POST',
      url: `/photos/${ids[0]}/corrections`,
      headers: formHeaders(owner),
      payload: form({ category: other() }),
    });
    assert.equal(noToken.statusCode, 403);
    assert.match(noToken.body, /did not come from this site/);
    const stray = await h.app.inject({
      method: 'POST',
      url: `/api/photos/${ids[0]}/corrections`,
      headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrf },
      payload: { category: other(), admin: true },
    });
    assert.equal(stray.statusCode, 400);
  });

  it('should export corrections for an admin only, as CSV and as a Food-11 folder', async () => {
    assert.equal((await h.app.inject({ url: '/admin/corrections.csv' })).statusCode, 401);
    const wrong = await h.app.inject({
      url: '/admin/corrections.csv',
      headers: { authorization: 'Bearer nope' },
    });
    assert.equal(wrong.statusCode, 401);
    const csv = await h.app.inject({
      url: '/admin/corrections.csv',
      headers: { authorization: `Bearer ${adminToken}` },
    });
    assert.equal(csv.statusCode, 200);
    const lines = csv.body.trim().split('\n');
    assert.equal(
      lines[0],
      'photo_id,corrected_at,category,predicted_category,predicted_confidence,model,model_version,file',
    );
    assert.equal(lines.length, 3);
    assert.ok(lines.some((l) => l.startsWith(`${ids[0]},`) && l.includes(`,${other()},${category},`)));
    const exported = await h.app.inject({
      method: 'POST',
      url: '/admin/corrections/export',
      headers: { authorization: `Bearer ${adminToken}` },
    });
    assert.equal(exported.statusCode, 201);
    const { path, files } = exported.json();
    assert.equal(files, 2);
    const folder = other().replace(/\//g, '-');
    const jpeg = await readFile(join(path, folder, `${ids[0]}.jpg`));
    assert.deepEqual([...jpeg.subarray(0, 3)], [0xff, 0xd8, 0xff]);
    assert.match(await readFile(join(path, 'corrections.csv'), 'utf8'), new RegExp(ids[0]!));
  });
});

describe('deleting', () => {
  it('should not let a stranger delete a photo', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: `/photos/${ids[2]}/delete`,
      headers: formHeaders(stranger, 'application/json'),
      payload: form({ _csrf: stranger.csrf }),
    });
    assert.equal(res.statusCode, 403);
    const page = await h.app.inject({ url: `/photos/${ids[2]}`, headers: { cookie: stranger.cookie } });
    assert.ok(!page.body.includes('Delete this photo'));
  });

  it('should let the owner delete with the form, removing files and rows', async () => {
    const photo = await h.database.db
      .selectFrom('photos')
      .selectAll()
      .where('id', '=', ids[2]!)
      .executeTakeFirstOrThrow();
    const before = await listFiles(h.dir);
    assert.ok(before.some((f) => f.endsWith(photo.image_key)));
    const res = await h.app.inject({
      method: 'POST',
      url: `/photos/${ids[2]}/delete`,
      headers: formHeaders(owner),
      payload: form({ _csrf: owner.csrf }),
    });
    assert.equal(res.statusCode, 303);
    const after = await listFiles(h.dir);
    assert.ok(!after.some((f) => f.endsWith(photo.image_key) || f.endsWith(photo.thumb_key)));
    assert.equal((await h.app.inject({ url: `/api/photos/${ids[2]}` })).statusCode, 404);
  });

  it('should let an admin delete any photo through the API, corrections included', async () => {
    assert.equal((await h.app.inject({ method: 'DELETE', url: `/api/photos/${ids[0]}` })).statusCode, 403);
    const res = await h.app.inject({
      method: 'DELETE',
      url: `/api/photos/${ids[0]}`,
      headers: { authorization: `Bearer ${adminToken}` },
    });
    assert.equal(res.statusCode, 204);
    assert.equal(await countRows(h.database, 'photos'), 1);
    assert.equal(
      (await h.database.db.selectFrom('corrections').selectAll().where('photo_id', '=', ids[0]!).execute())
        .length,
      0,
    );
  });
});
