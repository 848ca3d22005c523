import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { appDefaults } from '../../src/app/index.js';
import type { LocalClassifier } from '../../src/inference/index.js';
import { createTestClassifier, foodPhoto, generatedPhoto } from './fixtures.js';
import { countRows, type Harness, listFiles, startHarness, upload, type Visitor, visit } from './harness.js';

let classifier: LocalClassifier;
let h: Harness;
let owner: Visitor;

before(async () => {
  classifier = await createTestClassifier();
  h = await startHarness(classifier, { pageSize: 2, uploadsPerMinute: 600 });
  owner = await visit(h.app);
});
after(async () => {
  await h?.close();
  await classifier?.close();
});

const idOf = (location: unknown) => String(location).replace('/photos/', '');

describe('pages', () => {
  it('should serve the home page with the upload form, counts and security headers', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/' });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /text\/html/);
    assert.match(
      res.body,
      /<form class="upload" action="\/upload" method="post" enctype="multipart\/form-data">/,
    );
    assert.match(res.body, /href="\/categories\/noodles-pasta"/);
    assert.match(res.headers['content-security-policy'] as string, /default-src 'self'/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    assert.match(cookies[0] ?? '', /^gg_owner=[\w-]{32}; Max-Age=31536000; Path=\/; HttpOnly; SameSite=Lax$/);
    assert.match(cookies[1] ?? '', /^gg_csrf=[\w-]+; Max-Age=31536000; Path=\/; HttpOnly; SameSite=Lax$/);
    assert.equal(res.headers['strict-transport-security'], undefined, 'no HSTS over plain HTTP');
  });

  it('should serve the stylesheet and 404 an unknown asset or page', async () => {
    assert.equal((await h.app.inject({ url: '/static/style.css' })).statusCode, 200);
    assert.equal((await h.app.inject({ url: '/static/nope.css' })).statusCode, 404);
    const page = await h.app.inject({ url: '/no/such/page', headers: { accept: 'text/html' } });
    assert.equal(page.statusCode, 404);
    assert.match(page.body, /We could not find that/);
  });

  it('should answer a malformed photo id with 404: a page for browsers, {error, code} for the API', async () => {
    const page = await h.app.inject({ url: '/photos/not-a-photo-id', headers: { accept: 'text/html' } });
    assert.equal(page.statusCode, 404);
    assert.match(page.body, /We could not find that/);
    const api = await h.app.inject({ url: '/api/photos/not-a-photo-id' });
    assert.deepEqual([api.statusCode, api.json().code], [404, 'GG_ERR_NOT_FOUND']);
    assert.deepEqual(Object.keys(api.json()).sort(), ['code', 'error']);
  });

  it('should report health once the classifier is ready', async () => {
    const res = await h.app.inject({ url: '/health' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().status, 'ok');
  });
});

describe('upload', () => {
  it('should classify a real photo and land on its page with category, confidence, runner-ups and timing', async () => {
    const res = await upload(h.app, owner, await foodPhoto(0), { caption: 'Grandma’s bread' });
    assert.equal(res.statusCode, 303);
    const page = await h.app.inject({
      url: res.headers.location as string,
      headers: { cookie: owner.cookie },
    });
    assert.equal(page.statusCode, 200);
    const classes = classifier.info().classes;
    assert.ok(
      classes.some(
        (c) =>
          page.body.includes(`>${c.replace('/', '/')}</a></h1>`) || page.body.includes(`>${c}</a>?</h1>`),
      ),
    );
    assert.match(page.body, /Classified in <span class="timing">\d+ ms<\/span>/);
    assert.equal((page.body.match(/<div class="score">/g) ?? []).length, 3);
    assert.match(page.body, /Delete this photo/);
    assert.match(page.body, /Grandma’s bread/);
  });

  it('should answer JSON clients with id, category, confidence, top and url', async () => {
    const res = await upload(h.app, undefined, await foodPhoto(1), { json: true });
    assert.equal(res.statusCode, 201);
    const body = res.json();
    assert.match(body.id, /^[a-f0-9]{20}$/);
    assert.ok(classifier.info().classes.includes(body.category));
    assert.ok(body.confidence > 0 && body.confidence <= 1);
    assert.ok(body.top.length >= 3);
    assert.equal(body.top[0].category, body.category);
    assert.equal(body.url, `/photos/${body.id}`);
  });

  it('should say "not sure" exactly when the confidence is under the threshold, with the runner-ups', async () => {
    // Photo 85 (a Seafood photo) scores 0.34 with food11-latency v3, photo 0 scores high; the assertions follow
    // the confidence the app returns, so another head changes which branch runs, not whether the test holds.
    for (const index of [0, 85]) {
      const body = (await upload(h.app, undefined, await foodPhoto(index), { json: true })).json();
      const page = (await h.app.inject({ url: body.url })).body;
      const unsure = body.confidence < appDefaults.lowConfidence;
      assert.equal(
        page.includes('<p class="eyebrow">Not sure</p>'),
        unsure,
        `photo ${index}: ${body.confidence}`,
      );
      assert.equal(page.includes('<details class="correct" open>'), unsure);
      if (unsure) {
        assert.ok(page.includes(`>${body.category}</a>?</h1>`));
        assert.ok(page.includes(`It could also be <strong>${body.top[1].category}</strong>`));
      }
    }
  });

  it('should store the photo with orientation applied and no metadata, plus a thumbnail', async () => {
    const res = await upload(h.app, undefined, await generatedPhoto(3, 6), { json: true });
    assert.equal(res.statusCode, 201);
    const { id } = res.json();
    const image = await h.app.inject({ url: `/photos/${id}/image` });
    assert.equal(image.headers['content-type'], 'image/jpeg');
    const meta = await sharp(image.rawPayload).metadata();
    assert.deepEqual([meta.width, meta.height], [240, 320], 'EXIF orientation 6 is applied to the pixels');
    assert.equal(meta.exif, undefined);
    assert.equal(meta.orientation, undefined);
    assert.ok(!image.rawPayload.includes(Buffer.from('Secret Model 9000')));
    const thumb = await h.app.inject({ url: `/photos/${id}/thumb` });
    assert.equal(thumb.statusCode, 200);
    assert.deepEqual((await sharp(thumb.rawPayload).metadata()).width, 480);
  });

  it('should escape a hostile caption on every page', async () => {
    const caption = '<script>alert(1)</script><img src=x onerror="alert(2)">';
    const res = await upload(h.app, owner, await generatedPhoto(4), { caption });
    const id = idOf(res.headers.location);
    for (const url of [`/photos/${id}`, '/']) {
      const page = await h.app.inject({ url });
      assert.ok(!page.body.includes('<script>alert(1)'), url);
      assert.ok(!page.body.includes('<img src=x'), url);
      assert.match(page.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    }
    const api = await h.app.inject({ url: `/api/photos/${id}` });
    assert.equal(api.json().caption, caption);
  });
});

describe('bad uploads', () => {
  const cases: [string, () => Promise<Buffer>, number, string][] = [
    ['a GIF', async () => Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;'), 415, 'GIF'],
    [
      'an SVG named .jpg',
      async () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
      415,
      'SVG',
    ],
    ['a text file', async () => Buffer.from('hello, not an image'), 415, 'unrecognised'],
    [
      'a corrupt JPEG',
      async () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(300, 7)]),
      422,
      'decoded',
    ],
    ['a truncated JPEG', async () => (await foodPhoto(2)).subarray(0, 2000), 422, 'decoded'],
    [
      'a 4x4 PNG',
      async () =>
        sharp({ create: { width: 4, height: 4, channels: 3, background: '#f00' } })
          .png()
          .toBuffer(),
      422,
      'at least',
    ],
  ];
  for (const [name, make, status, words] of cases) {
    it(`should answer ${status} for ${name} as JSON and as a friendly page, leaving nothing behind`, async () => {
      const filesBefore = (await listFiles(h.dir)).length;
      const rowsBefore = await countRows(h.database, 'photos');
      const bytes = await make();
      const json = await upload(h.app, owner, bytes, { json: true });
      assert.equal(json.statusCode, status);
      assert.match(json.json().error, new RegExp(words));
      const page = await upload(h.app, owner, bytes);
      assert.equal(page.statusCode, status);
      assert.match(page.headers['content-type'] as string, /text\/html/);
      assert.match(page.body, /Back to the kitchen/);
      assert.equal((await listFiles(h.dir)).length, filesBefore);
      assert.equal(await countRows(h.database, 'photos'), rowsBefore);
    });
  }

  it('should answer 413 for a photo over the size limit', async () => {
    const small = await startHarness(classifier, { maxUploadBytes: 50_000 });
    try {
      const big = await sharp({
        create: {
          width: 900,
          height: 900,
          channels: 3,
          background: '#888',
          noise: { type: 'gaussian', mean: 128, sigma: 60 },
        },
      })
        .jpeg({ quality: 95 })
        .toBuffer();
      const res = await upload(small.app, undefined, big, { json: true });
      assert.equal(res.statusCode, 413);
      assert.match(res.json().error, /larger than/);
      assert.equal((await listFiles(small.dir)).filter((f) => !f.includes('app.db')).length, 0);
    } finally {
      await small.close();
    }
  });

  it('should answer 400 when the photo field is missing or the body is not multipart', async () => {
    const missing = await h.app.inject({
      method: 'POST',
      url: '/upload',
      headers: {
        'content-type': 'multipart/form-data; boundary=x',
        accept: 'application/json',
        cookie: owner.cookie,
        'x-csrf-token': owner.csrf,
      },
      payload: '--x\r\nContent-Disposition: form-data; name="caption"\r\n\r\nhi\r\n--x--\r\n',
    });
    assert.equal(missing.statusCode, 400);
    assert.match(missing.json().error, /no photo/);
    const json = await h.app.inject({
      method: 'POST',
      url: '/upload',
      payload: { photo: 'x' },
      headers: { accept: 'application/json' },
    });
    assert.equal(json.statusCode, 400);
  });

  it('should refuse a form without its CSRF token when the visitor has a cookie', async () => {
    const res = await upload(h.app, owner, await generatedPhoto(5), { csrf: null, json: true });
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().code, 'GG_ERR_CSRF');
    const forged = await upload(h.app, owner, await generatedPhoto(5), { csrf: 'forged', json: true });
    assert.equal(forged.statusCode, 403);
  });

  it('should rate-limit uploads per address with 429 and Retry-After', async () => {
    const limited = await startHarness(classifier, { uploadsPerMinute: 2 });
    try {
      const photo = await generatedPhoto(6);
      assert.equal(
        (await upload(limited.app, undefined, photo, { json: true, ip: '10.9.9.9' })).statusCode,
        201,
      );
      assert.equal(
        (await upload(limited.app, undefined, photo, { json: true, ip: '10.9.9.9' })).statusCode,
        201,
      );
      const third = await upload(limited.app, undefined, photo, { json: true, ip: '10.9.9.9' });
      assert.equal(third.statusCode, 429);
      assert.ok(Number(third.headers['retry-after']) >= 1);
      assert.equal(
        (await upload(limited.app, undefined, photo, { json: true, ip: '10.9.9.10' })).statusCode,
        201,
      );
    } finally {
      await limited.close();
    }
  });

  it('should answer 503 with Retry-After and store nothing when the classifier cannot take the photo', async () => {
    const closed = await createTestClassifier();
    await closed.close();
    const down = await startHarness(closed);
    try {
      const res = await upload(down.app, undefined, await foodPhoto(3), { json: true });
      assert.equal(res.statusCode, 503);
      assert.ok(Number(res.headers['retry-after']) >= 1);
      assert.equal((await listFiles(down.dir)).filter((f) => f.includes('/blobs/')).length, 0);
      assert.equal(await countRows(down.database, 'photos'), 0);
      assert.equal((await down.app.inject({ url: '/health' })).statusCode, 503);
    } finally {
      await down.close();
    }
  });

  it('should remove the stored image when a later write fails', async () => {
    const failing = await startHarness(classifier);
    const real = failing.blobs;
    const flaky = await startHarness(classifier, {
      blobs: {
        kind: 'flaky',
        put: (key, bytes, type) =>
          key.startsWith('thumbs/') ? Promise.reject(new Error('disk full')) : real.put(key, bytes, type),
        get: (key) => real.get(key),
        delete: (key) => real.delete(key),
      },
    });
    try {
      const res = await upload(flaky.app, undefined, await generatedPhoto(7), { json: true });
      assert.equal(res.statusCode, 500);
      assert.equal((await listFiles(failing.dir)).filter((f) => f.includes('/blobs/')).length, 0);
      assert.equal(await countRows(flaky.database, 'photos'), 0);
      assert.equal(await countRows(flaky.database, 'prediction_log'), 0);
    } finally {
      await flaky.close();
      await failing.close();
    }
  });
});
