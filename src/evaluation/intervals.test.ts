import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { wilsonInterval } from './intervals.js';

describe('wilsonInterval', () => {
  it('should match the published Wilson bounds', () => {
    // 81 of 263 at 95 %: 0.2553 to 0.3662, the closed form evaluated apart (Python, z = 1.959964).
    const [lo, hi] = wilsonInterval(81, 263);
    assert.ok(Math.abs(lo - 0.2553) < 5e-4 && Math.abs(hi - 0.3662) < 5e-4, `${lo} ${hi}`);
  });

  it('should stay inside [0, 1] at 0 and n successes and widen as n shrinks', () => {
    const [lo0, hi0] = wilsonInterval(0, 10);
    assert.equal(lo0, 0);
    assert.ok(hi0 > 0.25 && hi0 < 0.32, `${hi0}`);
    const [loN, hiN] = wilsonInterval(10, 10);
    assert.ok(hiN > 1 - 1e-9 && hiN <= 1);
    assert.ok(loN > 0.68 && loN < 0.75);
    const narrow = wilsonInterval(450, 500);
    const wide = wilsonInterval(45, 50);
    assert.ok(narrow[1] - narrow[0] < wide[1] - wide[0]);
  });
});
