import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AnalysedExample, analyseErrors, confusedPairs, slicesOf } from './error-analysis.js';

const classes = ['Bread', 'Egg', 'Soup'];
const example = (file: string, label: number, extra: Partial<AnalysedExample> = {}): AnalysedExample => ({
  file,
  label,
  source: 'web',
  width: 512,
  height: 384,
  brightness: 120,
  ...extra,
});

describe('confusedPairs', () => {
  it('should list off-diagonal cells largest first with the share of the true class', () => {
    const pairs = confusedPairs(
      [
        [5, 3, 0],
        [1, 8, 0],
        [0, 0, 4],
      ],
      classes,
    );
    assert.deepEqual(pairs, [
      { true: 'Bread', predicted: 'Egg', count: 3, share: 0.375 },
      { true: 'Egg', predicted: 'Bread', count: 1, share: 0.1111 },
    ]);
  });
});

describe('slicesOf', () => {
  it('should put a small dark photo in both slices', () => {
    const t = { smallSide: 256, dark: 80, bright: 170 };
    assert.deepEqual(slicesOf(example('a', 0, { width: 200, brightness: 50 }), t), [
      'small (<256 px)',
      'dark (luma <80)',
    ]);
    assert.deepEqual(slicesOf(example('b', 0), t), []);
  });
});

describe('analyseErrors', () => {
  it('should report accuracy by source and slice and the confident mistakes first', () => {
    // Rows: correct 0.9, correct 0.5 (lab, dark), wrong 0.8 (lab), wrong 0.6.
    const probabilities = Float32Array.from([0.9, 0.05, 0.05, 0.5, 0.3, 0.2, 0.1, 0.1, 0.8, 0.2, 0.6, 0.2]);
    const examples = [
      example('a', 0),
      example('b', 0, { source: 'lab', brightness: 40 }),
      example('c', 1, { source: 'lab' }),
      example('d', 2),
    ];
    const result = analyseErrors(probabilities, examples, classes);
    assert.equal(result.summary.top1, 0.5);
    assert.deepEqual(
      result.by_source.map((s) => [s.group, s.n, s.top1]),
      [
        ['lab', 2, 0.5],
        ['web', 2, 0.5],
      ],
    );
    assert.deepEqual(
      result.slices.find((s) => s.group.startsWith('dark')),
      { group: 'dark (luma <80)', n: 1, top1: 1 },
    );
    assert.deepEqual(
      result.highest_confidence_wrong.map((o) => [o.file, o.predicted, o.confidence]),
      [
        ['c', 'Soup', 0.8],
        ['d', 'Egg', 0.6],
      ],
    );
    assert.deepEqual(
      result.lowest_confidence_correct.map((o) => o.file),
      ['b', 'a'],
    );
    assert.ok(result.by_class_and_source.some((r) => r.group === 'Egg / lab' && r.top1 === 0));
  });
});
