import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '../core/index.js';
import { feedbackTests } from './feedback-tests.js';
import type { PredictionRecord } from './prediction-record.js';

const classes = ['Bread', 'Soup'];

/** `n` serving records; a photo is corrected with probability `rate(i)` (seeded). */
function stream(n: number, rate: (i: number) => number): [PredictionRecord[], Map<string, string>] {
  const random = seededRandom(7);
  const corrected = new Map<string, string>();
  const records = Array.from({ length: n }, (_, i): PredictionRecord => {
    const photo = `p${i}`;
    const category = classes[i % 2]!;
    // Only Soup gets worse: the per-class test should find it.
    if (random() < (category === 'Soup' ? rate(i) : 0.05)) corrected.set(photo, '2026-12-02T00:00:00Z');
    return {
      time: new Date(Date.UTC(2026, 11, 1, 0, 0, i)).toISOString(),
      source: 'app',
      role: 'serving',
      photo_id: photo,
      model: 'm',
      version: 1,
      category,
      confidence: 0.9,
      probabilities: null,
      latency_ms: 10,
      image: null,
      projection: null,
      projection_seed: null,
    };
  });
  return [records, corrected];
}

describe('feedback tests', () => {
  it('should leave the per-class test out of the first window and keep DDM stable on a steady stream', () => {
    const [records, corrected] = stream(400, () => 0.05);
    const first = feedbackTests(records, 0, 200, corrected, classes);
    assert.deepEqual(
      first.map((t) => t.name),
      ['corrections_ddm'],
    );
    const second = feedbackTests(records, 200, 400, corrected, classes);
    assert.deepEqual(
      second.map((t) => t.name),
      ['corrections_ddm', 'correction_rate'],
    );
    assert.equal(second[0]!.verdict, false);
    assert.ok(second[1]!.p_value! > 0.05, JSON.stringify(second));
  });

  it("should flag DDM and the per-class test when one class's corrections jump from 5 % to 40 %", () => {
    const [records, corrected] = stream(800, (i) => (i < 600 ? 0.05 : 0.4));
    const [ddm, rate] = feedbackTests(records, 600, 800, corrected, classes);
    assert.equal(ddm!.verdict, true, JSON.stringify(ddm));
    assert.ok(ddm!.statistic >= 3);
    assert.ok(ddm!.effect > 0.1, `rise ${ddm!.effect}`);
    assert.ok(rate!.p_value! < 1e-4, JSON.stringify(rate));
    assert.ok(Math.abs(rate!.effect - 0.35) < 0.12, `Soup's rise ${rate!.effect}`);
  });
});
