import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { paretoFront } from './pareto.js';
import { paretoSvg } from './pareto-svg.js';

const points = [
  { label: '160', accuracy: 0.8, other: 5 },
  { label: '224', accuracy: 0.86, other: 8 },
  { label: 'fp32', accuracy: 0.85, other: 12 },
  { label: '288', accuracy: 0.9, other: 14 },
  { label: 'tie', accuracy: 0.86, other: 8 },
];

describe('paretoFront', () => {
  it('should keep the points no other beats on accuracy and latency', () => {
    assert.deepEqual(
      paretoFront(points, 'min').map((p) => p.label),
      ['160', '224', 'tie', '288'],
    );
  });

  it('should treat higher as better for throughput', () => {
    const speed = points.map((p) => ({ ...p, other: 100 / p.other }));
    assert.deepEqual(
      paretoFront(speed, 'max').map((p) => p.label),
      ['160', '224', 'tie', '288'],
    );
  });

  it('should drop a point beaten on one axis and tied on the other', () => {
    const front = paretoFront(
      [
        { label: 'a', accuracy: 0.9, other: 10 },
        { label: 'b', accuracy: 0.9, other: 12 },
      ],
      'min',
    );
    assert.deepEqual(
      front.map((p) => p.label),
      ['a'],
    );
  });
});

describe('paretoSvg', () => {
  it('should draw every point and label the front', () => {
    const svg = paretoSvg({ title: 'a & b', xLabel: 'p99 ms', points, better: 'min' });
    assert.equal(svg.match(/<circle/g)?.length, points.length);
    assert.match(svg, /a &amp; b/);
    assert.match(svg, />288<\/text>/);
    assert.doesNotMatch(svg, />fp32<\/text>/);
  });
});
