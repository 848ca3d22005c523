import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  DeadlineExceededError,
  type ModelSource,
  OverloadedError,
  WorkerCrashedError,
  WorkerPool,
} from '../../src/inference/index.js';
import { servingSchema } from '../../src/recipes/index.js';
import { colourPhoto, writeTinyModel } from './tiny-model.js';

function serving(overrides: Record<string, unknown>) {
  return servingSchema.parse({ instances: 1, max_queue_delay_ms: 0, ...overrides });
}

describe('WorkerPool', () => {
  let model: ModelSource;
  let red: Buffer;
  let green: Buffer;
  let blue: Buffer;
  before(async () => {
    model = await writeTinyModel();
    [red, green, blue] = await Promise.all([
      colourPhoto('red'),
      colourPhoto('green', 'png'),
      colourPhoto('blue'),
    ]);
  });

  it('should classify photos in worker threads and give each request its own row', async () => {
    const batches: number[] = [];
    const pool = await WorkerPool.start(model, serving({ max_batch_size: 8, max_queue_delay_ms: 300 }), {
      observer: { batch: (size) => batches.push(size) },
    });
    try {
      const results = await Promise.all([red, green, blue, red].map((photo) => pool.classify(photo)));
      assert.deepEqual(
        results.map((r) => r.category),
        ['Bread', 'Dairy product', 'Dessert', 'Bread'],
      );
      assert.deepEqual(batches, [4], 'the four requests shared one batch');
      assert.equal(results[0]!.top.length, 5);
      assert.equal(results[0]!.embedding?.length, 3);
      assert.ok(results[0]!.timings.queue_ms >= 0);
    } finally {
      await pool.close();
    }
  });

  it('should run a lone photo on the wider session and photos that overlap on the shared one', async () => {
    const sessions: string[] = [];
    const pool = await WorkerPool.start(
      model,
      serving({ instances: 2, min_instances: 2, max_batch_size: 1, lone_intra_op_threads: 2 }),
      { observer: { batch: (_size, _ms, session) => sessions.push(session) } },
    );
    try {
      const alone = await pool.classify(red);
      assert.equal(alone.category, 'Bread');
      assert.deepEqual(sessions, ['lone']);
      // Three at once: the first starts alone; the second starts while it computes, the third waits.
      const together = await Promise.all([red, green, blue].map((photo) => pool.classify(photo)));
      assert.deepEqual(
        together.map((r) => r.category),
        ['Bread', 'Dairy product', 'Dessert'],
      );
      assert.equal(sessions.length, 4);
      // Sessions are logged as batches finish, and the two first batches race: one ran lone, one shared.
      assert.deepEqual(sessions.slice(1, 3).sort(), ['lone', 'shared']);
    } finally {
      await pool.close();
    }
  });

  it('should fail only the bad photo of a batch', async () => {
    const pool = await WorkerPool.start(model, serving({ max_batch_size: 4, max_queue_delay_ms: 200 }));
    try {
      const truncated = red.subarray(0, 40);
      const [good, bad] = await Promise.allSettled([pool.classify(red), pool.classify(truncated)]);
      assert.equal(good.status, 'fulfilled');
      assert.equal(bad.status, 'rejected');
      assert.equal((bad as PromiseRejectedResult).reason.statusCode, 422);
    } finally {
      await pool.close();
    }
  });

  it('should shed requests past max queue at once with a retry hint', async () => {
    const pool = await WorkerPool.start(
      model,
      serving({ max_batch_size: 8, max_queue_delay_ms: 500, max_queue: 2 }),
    );
    try {
      const accepted = [pool.classify(red), pool.classify(red)];
      await assert.rejects(pool.classify(red), (error: unknown) => {
        assert.ok(error instanceof OverloadedError);
        assert.equal(error.statusCode, 429);
        assert.ok((error.retryAfterSeconds ?? 0) >= 1);
        return true;
      });
      assert.equal((await Promise.all(accepted)).length, 2);
    } finally {
      await pool.close();
    }
  });

  it('should drop a request whose deadline passes while it waits, without computing it', async () => {
    const batches: number[] = [];
    const pool = await WorkerPool.start(
      model,
      serving({ max_batch_size: 8, max_queue_delay_ms: 1000, timeout_ms: 50 }),
      {
        observer: { batch: (size) => batches.push(size) },
      },
    );
    try {
      await assert.rejects(pool.classify(red), DeadlineExceededError);
      assert.deepEqual(batches, []);
    } finally {
      await pool.close();
    }
  });

  it('should answer 503 for the requests of a killed worker, replace it and keep serving', async () => {
    const pool = await WorkerPool.start(model, serving({ max_batch_size: 4, timeout_ms: 20_000 }));
    try {
      const held = pool.classify(red);
      assert.equal(await pool.killWorker(), true);
      await assert.rejects(
        held,
        (error: unknown) => error instanceof WorkerCrashedError && error.statusCode === 503,
      );
      const after = await pool.classify(blue);
      assert.equal(after.category, 'Dessert');
      assert.equal(pool.stats().instances, 1);
    } finally {
      await pool.close();
    }
  });

  it('should grow under a burst and release idle workers after the silence', async () => {
    const pool = await WorkerPool.start(
      model,
      serving({
        instances: 2,
        min_instances: 0,
        idle_release_s: 0.2,
        max_batch_size: 1,
        max_queue: 256,
        // About growth, not deadlines: 120 requests must not expire on a loaded machine.
        timeout_ms: 20_000,
      }),
    );
    try {
      let peak = 0;
      const burst = Array.from({ length: 120 }, () =>
        pool.classify(red).then(() => {
          peak = Math.max(peak, pool.stats().instances);
        }),
      );
      await Promise.all(burst);
      assert.equal(peak, 2, 'a second worker joined while requests queued');
      await waitFor(() => pool.stats().instances === 0, 5000);
      assert.equal(pool.ready(), true, 'an empty pool still takes work');
      assert.equal(
        (await pool.classify(green)).category,
        'Dairy product',
        'a cold request starts a worker again',
      );
    } finally {
      await pool.close();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
