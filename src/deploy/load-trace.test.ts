import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { projectPath } from '../core/index.js';
import { TraceError } from './errors.js';
import { dailyTrace, readLoadTrace, traceSeries } from './load-trace.js';

describe('load trace', () => {
  it('should make a day with morning and evening peaks and 30 separate phases of 20-30 clients', () => {
    const trace = dailyTrace({ seed: 5, peakRps: 200, command: 'test' });
    assert.equal(trace.rps.length, 1440);
    const hourMean = (h: number) => trace.rps.slice(h * 60, h * 60 + 60).reduce((a, b) => a + b, 0) / 60;
    assert.ok(
      hourMean(19) > hourMean(8) && hourMean(8) > hourMean(4) * 20,
      `${hourMean(19)} ${hourMean(8)} ${hourMean(4)}`,
    );
    assert.ok(Math.abs(hourMean(19) - 200) < 40);
    assert.equal(trace.phases.length, 30);
    for (const [i, p] of trace.phases.entries()) {
      assert.ok(p.clients >= 20 && p.clients <= 30);
      assert.equal(p.duration_s, 60);
      if (i > 0) assert.ok(p.start_s > trace.phases[i - 1]!.start_s + 60);
    }
    assert.deepEqual(dailyTrace({ seed: 5, peakRps: 200, command: 'test' }), trace);
  });

  it('should expand a trace to one value per second', () => {
    const series = traceSeries({
      schema: 'gourmetgram.load-trace/1',
      description: 'x',
      step_s: 60,
      rps: [1, 2],
      phases: [{ start_s: 30, duration_s: 60, clients: 7 }],
    });
    assert.equal(series.openRps.length, 120);
    assert.equal(series.openRps[59], 1);
    assert.equal(series.openRps[60], 2);
    assert.equal(series.clients[29], 0);
    assert.equal(series.clients[30], 7);
    assert.equal(series.clients[89], 7);
    assert.equal(series.clients[90], 0);
  });

  it('should read the committed daily trace and reject a malformed one', async () => {
    const trace = await readLoadTrace(projectPath('traces', 'daily.json'));
    assert.equal(trace.rps.length * trace.step_s, 86_400);
    assert.equal(trace.phases.length, 30);
    const dir = await mkdtemp(join(tmpdir(), 'gg-trace-'));
    try {
      const bad = join(dir, 'bad.json');
      await writeFile(
        bad,
        JSON.stringify({ ...trace, phases: [{ start_s: 86_399, duration_s: 60, clients: 3 }] }),
      );
      await assert.rejects(readLoadTrace(bad), TraceError);
      await writeFile(bad, JSON.stringify({ ...trace, rps: [-1] }));
      await assert.rejects(readLoadTrace(bad), TraceError);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
