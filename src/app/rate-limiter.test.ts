import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter', () => {
  it('should allow a burst, then ask the client to wait until a token refills', () => {
    let now = 0;
    const limiter = new RateLimiter(6, 2, () => now);
    assert.equal(limiter.take('a'), 0);
    assert.equal(limiter.take('a'), 0);
    assert.equal(limiter.take('a'), 10, 'six a minute: one token every 10 s');
    now = 5_000;
    assert.equal(limiter.take('a'), 5);
    now = 10_000;
    assert.equal(limiter.take('a'), 0);
  });

  it('should keep addresses apart', () => {
    const limiter = new RateLimiter(1, 1, () => 0);
    assert.equal(limiter.take('a'), 0);
    assert.ok(limiter.take('a') > 0);
    assert.equal(limiter.take('b'), 0);
  });

  it('should reject a limit that could never allow anything', () => {
    assert.throws(() => new RateLimiter(0, 1));
    assert.throws(() => new RateLimiter(10, 0));
  });
});
