import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type PeerPoint, peerRatios } from './peers.js';

const point = (
  concurrency: number,
  pps: number,
  p50: number,
  p99: number,
  cpu: number,
  errors = 0,
): PeerPoint => ({
  concurrency,
  photos_per_second: pps,
  p50_ms: p50,
  p99_ms: p99,
  errors,
  cpu_ms_per_photo: cpu,
  load_average: 0,
});

describe('peerRatios', () => {
  it("should compare our best run within the peer's p99 at its best throughput", () => {
    const ours = [point(1, 100, 5, 9, 8), point(4, 250, 12, 40, 7), point(16, 280, 50, 90, 7)];
    const peer = [point(1, 30, 30, 45, 60), point(4, 60, 60, 80, 55), point(16, 50, 300, 900, 56)];
    const r = peerRatios(ours, peer);
    assert.equal(r.p99_target_ms, 80);
    assert.equal(r.ours_photos_per_second, 250);
    assert.equal(r.throughput_at_equal_p99, 250 / 60);
    assert.equal(r.p50_speedup_at_concurrency_1, 6);
    assert.equal(r.cpu_efficiency_at_highest_concurrency, 8);
  });

  it('should leave out runs with errors', () => {
    const ours = [point(1, 100, 5, 9, 8), point(16, 400, 20, 30, 7, 3)];
    const peer = [point(1, 30, 30, 45, 60), point(16, 90, 60, 100, 55, 1)];
    const r = peerRatios(ours, peer);
    assert.equal(r.peer_photos_per_second, 30);
    assert.equal(r.ours_photos_per_second, 100);
  });
});
