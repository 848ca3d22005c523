import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { createRemoteClassifier } from '../../src/inference/index.js';
import { tinyDescription, tinyServer } from './harness.js';
import { colourPhoto, writeTinyModel } from './tiny-model.js';

const jpeg = { 'content-type': 'image/jpeg' };

function metric(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(name));
  return line ? Number(line.split(' ').at(-1)) : Number.NaN;
}

describe('inference server under load and change', () => {
  it('should put concurrent requests into one batch', async () => {
    const server = await tinyServer({ max_batch_size: 8, max_queue_delay_ms: 300 });
    try {
      const red = await colourPhoto('red');
      const answers = await Promise.all(
        Array.from({ length: 6 }, () =>
          server.app.inject({ method: 'POST', url: '/predict', payload: red, headers: jpeg }),
        ),
      );
      assert.deepEqual(
        answers.map((a) => a.statusCode),
        [200, 200, 200, 200, 200, 200],
      );
      const text = (await server.app.inject({ url: '/metrics' })).body;
      assert.equal(metric(text, 'gourmetgram_batch_size_count'), 1);
      assert.equal(metric(text, 'gourmetgram_batch_size_sum'), 6);
    } finally {
      await server.close();
    }
  });

  it('should shed past max queue with 429 and Retry-After, and drop expired requests with 503', async () => {
    const server = await tinyServer({
      max_batch_size: 8,
      max_queue_delay_ms: 400,
      max_queue: 2,
      timeout_ms: 150,
    });
    try {
      const red = await colourPhoto('red');
      const answers = await Promise.all(
        Array.from({ length: 4 }, () =>
          server.app.inject({ method: 'POST', url: '/predict', payload: red, headers: jpeg }),
        ),
      );
      const codes = answers.map((a) => a.statusCode).sort();
      assert.deepEqual(codes, [429, 429, 503, 503], 'two shed at once, two dropped at their deadline');
      for (const answer of answers) {
        assert.ok(Number(answer.headers['retry-after']) >= 1);
        assert.match(answer.json().code, /GG_ERR_(OVERLOADED|DEADLINE)/);
      }
      const text = (await server.app.inject({ url: '/metrics' })).body;
      assert.ok(
        Number.isNaN(metric(text, 'gourmetgram_batch_size_count')) ||
          metric(text, 'gourmetgram_batch_size_count') === 0,
      );
    } finally {
      await server.close();
    }
  });

  it('should answer 503 for a killed worker request and keep serving', async () => {
    // A respawn on a loaded machine can take seconds: this test is about recovery, not deadlines.
    const server = await tinyServer({ max_queue_delay_ms: 0, timeout_ms: 20_000 });
    try {
      const red = await colourPhoto('red');
      // A small JPEG is decoded and classified in about a millisecond, too briefly to catch in flight; a
      // 9-megapixel PNG keeps its worker busy for tens of milliseconds.
      const large = await sharp({ create: { width: 3000, height: 3000, channels: 3, background: 'red' } })
        .png()
        .toBuffer();
      const held = server.app.inject({
        method: 'POST',
        url: '/predict',
        payload: large,
        headers: { 'content-type': 'image/png' },
      });
      await waitFor(() => (server.manager.current?.stats?.().inFlight ?? 0) > 0);
      await server.manager.current!.killWorker!();
      const answer = await held;
      assert.equal(answer.statusCode, 503, answer.body);
      assert.equal(answer.json().code, 'GG_ERR_WORKER_CRASHED');
      const again = await server.app.inject({ method: 'POST', url: '/predict', payload: red, headers: jpeg });
      assert.equal(again.statusCode, 200);
      assert.equal((await server.app.inject({ url: '/v2/health/ready' })).statusCode, 200);
    } finally {
      await server.close();
    }
  });

  it('should reload a new version by admin call and keep the old one when the new one is broken', async () => {
    const server = await tinyServer({}, 'sesame');
    const load = (token?: string, version?: number) =>
      server.app.inject({
        method: 'POST',
        url: '/v2/repository/models/tiny/load',
        headers: token ? { authorization: `Bearer ${token}` } : {},
        ...(version ? { payload: { parameters: { version } } } : {}),
      });
    try {
      assert.equal((await load()).statusCode, 401);
      assert.equal((await load('wrong')).statusCode, 401);
      const broken = join(server.repository, 'tiny', '2');
      await mkdir(broken, { recursive: true });
      await writeFile(join(broken, 'model.onnx'), 'not an onnx graph');
      await writeFile(
        join(broken, 'model.json'),
        JSON.stringify({
          name: 'tiny',
          version: 2,
          classes: Array.from({ length: 11 }, (_, i) => `c${i}`),
          preprocess: { size: 32, cropFraction: 0.875, mean: [0, 0, 0], std: [1, 1, 1] },
        }),
      );
      const failed = await load('sesame');
      assert.equal(failed.statusCode, 422, failed.body);
      assert.match(failed.json().error, /version 1 keeps serving/);
      const red = await colourPhoto('red');
      const still = await server.app.inject({ method: 'POST', url: '/predict', payload: red, headers: jpeg });
      assert.equal(still.json().version, 1);
      const missingJson = join(server.repository, 'tiny', '3');
      await writeTinyModel(missingJson, 3);
      assert.equal((await load('sesame')).statusCode, 422, 'a version without model.json is refused');
      await writeFile(
        join(missingJson, 'model.json'),
        JSON.stringify({ ...(await tinyDescription()), version: 3 }),
      );
      const loaded = await load('sesame');
      assert.equal(loaded.statusCode, 200, loaded.body);
      assert.equal(loaded.json().version, 3);
      const now = await server.app.inject({ method: 'POST', url: '/predict', payload: red, headers: jpeg });
      assert.equal(now.json().version, 3);
      const pinned = await load('sesame', 1);
      assert.equal(pinned.json().version, 1);
      // The index is read-only metadata, open as in Triton, so Triton's own client can discover the model.
      const index = await server.app.inject({ method: 'POST', url: '/v2/repository/index' });
      assert.equal(index.statusCode, 200, index.body);
      assert.deepEqual(
        index.json().map((v: { version: string; state: string }) => `${v.version}:${v.state}`),
        ['1:READY', '2:UNAVAILABLE', '3:UNAVAILABLE'],
      );
    } finally {
      await server.close();
    }
  });

  it('should serve a remote classifier over real HTTP with the binary extension', async () => {
    const server = await tinyServer();
    try {
      const url = await server.app.listen({ port: 0, host: '127.0.0.1' });
      const remote = await createRemoteClassifier(url, 'tiny');
      assert.equal(remote.info().classes.length, 11);
      const prediction = await remote.classify(await colourPhoto('blue'));
      assert.equal(prediction.category, 'Dessert');
      assert.equal(prediction.version, 1);
      await assert.rejects(remote.classify(Buffer.from('not an image')), (error: unknown) => {
        assert.equal((error as { statusCode: number }).statusCode, 415);
        return true;
      });
      await assert.rejects(
        createRemoteClassifier(url, 'missing'),
        (error: unknown) => (error as { statusCode: number }).statusCode === 404,
      );
      await remote.close();
    } finally {
      await server.close();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not reached in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}
