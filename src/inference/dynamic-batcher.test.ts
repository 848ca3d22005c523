import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DynamicBatcher } from './dynamic-batcher.js';

interface Item {
  id: number;
  enqueuedAt: number;
  deadline: number;
  pixels?: number;
}

function item(id: number, enqueuedAt = 0, deadline = 10_000, pixels = 0): Item {
  return { id, enqueuedAt, deadline, pixels };
}

const ids = (items: Item[]) => items.map((i) => i.id);

function batcher(maxBatchSize = 4, maxQueueDelayMs = 5, preferredBatchSizes: number[] = [], maxQueue = 16) {
  return new DynamicBatcher<Item>({ maxBatchSize, maxQueueDelayMs, preferredBatchSizes, maxQueue });
}

describe('DynamicBatcher', () => {
  it('should make a lone request wait no longer than the queue delay', () => {
    const b = batcher(4, 5);
    b.offer(item(1, 100));
    const first = b.next(100);
    assert.deepEqual(first.batch, []);
    assert.equal(first.waitMs, 5);
    assert.deepEqual(b.next(103).waitMs, 2);
    assert.deepEqual(
      b.next(105).batch.map((i) => i.id),
      [1],
    );
    assert.equal(b.size, 0);
  });

  it('should send a full batch at once, oldest first, leaving the rest queued', () => {
    const b = batcher(4, 1000);
    for (let id = 1; id <= 6; id++) b.offer(item(id));
    assert.deepEqual(
      b.next(0).batch.map((i) => i.id),
      [1, 2, 3, 4],
    );
    assert.equal(b.size, 2);
    assert.equal(b.next(0).waitMs, 1000);
  });

  it('should send the largest preferred size the queue can fill without waiting', () => {
    const b = batcher(8, 1000, [2, 4]);
    b.offer(item(1));
    assert.equal(b.next(0).batch.length, 0);
    for (let id = 2; id <= 5; id++) b.offer(item(id));
    assert.deepEqual(
      b.next(0).batch.map((i) => i.id),
      [1, 2, 3, 4],
    );
    assert.equal(b.next(0).batch.length, 0, 'one left: below every preferred size, so it waits');
  });

  it('should send whatever is queued once the oldest has waited the delay', () => {
    const b = batcher(8, 2);
    b.offer(item(1, 0));
    b.offer(item(2, 1));
    b.offer(item(3, 2));
    assert.deepEqual(
      b.next(2).batch.map((i) => i.id),
      [1, 2, 3],
    );
  });

  it('should dispatch immediately with a zero delay', () => {
    const b = batcher(8, 0);
    b.offer(item(1, 50));
    assert.equal(b.next(50).batch.length, 1);
  });

  it('should refuse offers past max queue', () => {
    const b = batcher(4, 5, [], 2);
    assert.equal(b.offer(item(1)), true);
    assert.equal(b.offer(item(2)), true);
    assert.equal(b.offer(item(3)), false);
    assert.equal(b.size, 2);
  });

  it('should drop requests that cannot finish before their deadline, before computing them', () => {
    const b = batcher(4, 0);
    b.offer(item(1, 0, 10));
    b.offer(item(2, 0, 100));
    const decision = b.next(5, { costMs: () => 8 });
    assert.deepEqual(
      decision.expired.map((i) => i.id),
      [1],
    );
    assert.deepEqual(
      decision.batch.map((i) => i.id),
      [2],
    );
  });

  it('should price each request by its own cost, so a cheap one survives beside dropped dear ones', () => {
    const b = batcher(4, 0);
    b.offer(item(1, 0, 100, 49e6));
    b.offer(item(2, 0, 100, 1e4));
    b.offer(item(3, 0, 100, 49e6));
    const decision = b.next(10, { costMs: (i) => (i.pixels! > 1e6 ? 500 : 5) });
    assert.deepEqual(ids(decision.expired), [1, 3]);
    assert.deepEqual(ids(decision.batch), [2]);
  });

  it('should compute the oldest request within its deadline under a probe, whatever its estimate', () => {
    const b = batcher(4, 0);
    b.offer(item(1, 0, 5));
    b.offer(item(2, 0, 100));
    b.offer(item(3, 0, 100));
    const decision = b.next(10, { costMs: () => 10_000, probe: true });
    assert.deepEqual(ids(decision.expired), [1, 3], 'past its deadline, and estimated too slow');
    assert.deepEqual(ids(decision.batch), [2], 'the probe that measures the cost again');
  });

  it('should fill a batch within the pixel budget, letting small photos pass a large one', () => {
    const b = batcher(4, 0);
    b.offer(item(1, 0, 100, 30e6));
    b.offer(item(2, 0, 100, 30e6));
    b.offer(item(3, 0, 100, 1e6));
    b.offer(item(4, 0, 100, 1e6));
    assert.deepEqual(ids(b.next(0, { pixelBudget: 50e6 }).batch), [1, 3, 4]);
    assert.deepEqual(ids(b.next(0, { pixelBudget: 20e6 }).batch), [], 'the large one waits for budget');
    assert.deepEqual(ids(b.next(0, { pixelBudget: 20e6, probe: true }).batch), [2], 'alone it always goes');
  });

  it('should let a removed request leave the queue', () => {
    const b = batcher();
    const one = item(1);
    b.offer(one);
    assert.equal(b.remove(one), true);
    assert.equal(b.remove(one), false);
    assert.equal(b.next(1000).waitMs, undefined);
  });

  it('should reject bad options when constructed', () => {
    assert.throws(() => batcher(0), RangeError);
    assert.throws(() => batcher(4, -1), RangeError);
    assert.throws(() => batcher(4, 1, [8]), RangeError);
  });
});
