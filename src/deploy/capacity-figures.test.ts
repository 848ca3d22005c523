import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadCapacityFigures } from './capacity-figures.js';
import { MissingFiguresError } from './errors.js';

describe('capacity figures', () => {
  it('should refuse to run without measured figures and name the missing ones', async () => {
    await assert.rejects(
      loadCapacityFigures('latency', '/nonexistent', { throughputRps: 10 }, false),
      (e: unknown) => {
        assert.ok(e instanceof MissingFiguresError);
        assert.match(e.message, /latency_target_ms, latency_p50_ms, cold_start_s, memory_mib/);
        assert.doesNotMatch(e.message, /throughput_rps_at_target|cpu_cores/);
        return true;
      },
    );
  });

  it('should gather figures from results files of its schema, with flags winning', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gg-results-'));
    try {
      await mkdir(join(dir, 'latency'));
      const bench = {
        schema: 'gourmetgram.capacity/1',
        throughput_rps_at_target: 300,
        latency_target_ms: 50,
        latency_p50_ms: 4,
      };
      await writeFile(join(dir, 'latency', 'bench.json'), JSON.stringify(bench));
      await writeFile(
        join(dir, 'latency', 'cold.json'),
        JSON.stringify({ schema: 'gourmetgram.capacity/1', cold_start_s: 1.2, memory_mib: 350 }),
      );
      await writeFile(
        join(dir, 'latency', 'other.json'),
        JSON.stringify({ schema: 'something-else', cold_start_s: 99 }),
      );
      const figures = await loadCapacityFigures('latency', dir, { latencyP50Ms: 6 }, false);
      assert.equal(figures.throughputRps, 300);
      assert.equal(figures.coldStartS, 1.2);
      assert.equal(figures.latencyP50Ms, 6);
      assert.equal(figures.sources.latency_p50_ms, 'flag');
      assert.equal(figures.sources.cold_start_s, join('latency', 'cold.json'));
      await assert.rejects(loadCapacityFigures('latency', dir, {}, true), /cpu_cores_at_throughput/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
