import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { tinyServer } from './harness.js';
import { colourPhoto } from './tiny-model.js';

/** A 49-megapixel PNG: small on the wire (one colour), dear to decode (every pixel is inflated). */
function largePng(): Promise<Buffer> {
  return sharp({ create: { width: 7000, height: 7000, channels: 3, background: { r: 200, g: 40, b: 40 } } })
    .png({ compressionLevel: 1 })
    .toBuffer();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('inference server after a burst of large photos (issue 10: the metastable 503)', () => {
  it('should answer a small photo with 200 within 2 s of the burst, and fail readiness during it', async () => {
    // Four 49-MP decodes take longer than the timeout: the old pool learned a batch time above it and then
    // dropped every request before computing it, so nothing ever measured the batch time again.
    const server = await tinyServer({ max_batch_size: 4, max_queue: 8, timeout_ms: 300 });
    try {
      const [large, small] = await Promise.all([largePng(), colourPhoto('red')]);
      const post = (payload: Buffer) =>
        server.app.inject({
          method: 'POST',
          url: '/predict',
          payload,
          headers: { 'content-type': 'image/png' },
        });
      const burstEnds = performance.now() + 2500;
      const answers = new Map<number, number>();
      const clients = Array.from({ length: 16 }, async () => {
        while (performance.now() < burstEnds) {
          const { statusCode } = await post(large);
          answers.set(statusCode, (answers.get(statusCode) ?? 0) + 1);
        }
      });
      let burstOver = false;
      void Promise.all(clients).then(() => {
        burstOver = true;
      });
      const readiness: number[] = [];
      const probe = (async () => {
        while (!burstOver) {
          readiness.push((await server.app.inject({ url: '/v2/health/ready' })).statusCode);
          await sleep(50);
        }
      })();
      await Promise.all([...clients, probe]);
      assert.ok((answers.get(503) ?? 0) + (answers.get(429) ?? 0) > 0, 'the burst overloaded the pool');

      const after = performance.now();
      let recoveredMs: number | undefined;
      const seen: string[] = [];
      while (performance.now() - after < 2000) {
        const { statusCode } = await post(small);
        seen.push(`${statusCode} at ${Math.round(performance.now() - after)} ms`);
        if (statusCode === 200) {
          recoveredMs = performance.now() - after;
          break;
        }
        await sleep(100);
      }
      assert.ok(recoveredMs !== undefined, `no 200 within 2 s of the burst; answers ${seen.join(', ')}`);
      assert.ok(
        readiness.includes(503),
        `readiness stayed ${[...new Set(readiness)]} (${readiness.length} probes) during the burst; answers ${[...answers]}`,
      );
      // Readiness comes back once answers outnumber the burst's failures within the last second.
      const readyAgain = performance.now();
      while ((await server.app.inject({ url: '/v2/health/ready' })).statusCode !== 200) {
        assert.ok(performance.now() - readyAgain < 3000, 'readiness did not come back within 3 s');
        await sleep(100);
      }
    } finally {
      await server.close();
    }
  });
});
