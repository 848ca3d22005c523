import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSaturated, type RateStep, rateLadder, sustainableThroughput } from './open-loop.js';

const step = (offeredRps: number, achievedRps: number, p99Ms: number, errorShare = 0): RateStep => ({
  offeredRps,
  achievedRps,
  p50Ms: p99Ms / 2,
  p95Ms: p99Ms * 0.9,
  p99Ms,
  errorShare,
  cpuCores: 1,
  peakRssMiB: 200,
});

describe('rateLadder', () => {
  it('should offer ascending fractions of the closed-loop throughput', () => {
    assert.deepEqual(rateLadder(40), [4, 10, 20, 28, 34, 40, 46, 52, 64]);
  });

  it('should never offer less than half a request per second, nor the same rate twice', () => {
    assert.deepEqual(rateLadder(1, [0.1, 0.2, 1]), [0.5, 1]);
  });

  it('should reject a throughput that is not positive', () => {
    assert.throws(() => rateLadder(0), RangeError);
  });
});

describe('isSaturated', () => {
  it('should say a replica that keeps up within the tail bound is not saturated', () => {
    assert.equal(isSaturated(step(50, 49, 80), 100), false);
  });

  it('should say a replica falling behind, shedding or with a runaway tail is saturated', () => {
    assert.equal(isSaturated(step(50, 40, 80), 100), true);
    assert.equal(isSaturated(step(50, 49, 80, 0.1), 100), true);
    assert.equal(isSaturated(step(50, 49, 1500), 100), true);
  });
});

describe('sustainableThroughput', () => {
  it('should pick the highest achieved rate whose p99 meets the target', () => {
    const steps = [step(10, 10, 30), step(20, 20, 60), step(30, 29.5, 95), step(40, 36, 400)];
    assert.equal(sustainableThroughput(steps, 100)?.offeredRps, 30);
  });

  it('should skip steps that shed load or fell behind even with a good p99', () => {
    const steps = [step(10, 10, 30), step(20, 20, 60, 0.02), step(30, 20, 50)];
    assert.equal(sustainableThroughput(steps, 100)?.offeredRps, 10);
  });

  it('should return undefined when even the lowest rate misses the target', () => {
    assert.equal(sustainableThroughput([step(1, 1, 150)], 100), undefined);
  });
});
