import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BenchResult } from './bench-result.js';
import { capacityFrom } from './capacity.js';
import { summarise } from './load-generator.js';
import { parseSiegeJson } from './siege.js';
import { checkGoals, formatSummary, summariseResults } from './summary.js';

const resources = (rssMiB: number) => ({
  cpuCores: 1.5,
  peakRssBytes: rssMiB * 2 ** 20,
  meanRssBytes: rssMiB * 2 ** 20,
  samples: 5,
});

function result(recipe: string, top1: number, p50: number, sustainable: number | null): BenchResult {
  const load = {
    sent: 100,
    ok: 100,
    statuses: { 200: 100 },
    durationS: 2,
    throughput: 50,
    latency: summarise([p50, p50, p50 * 2]),
    rejectedLatency: summarise([]),
  };
  return {
    schema: 'gourmetgram.bench/1',
    recipe,
    created: '2026-01-01T00:00:00.000Z',
    machine: { cores: 2, node: 'v20', load_average: [1, 1, 1] },
    protocol: { seconds: 60, clients: 10, step_seconds: 15, latency_target_ms: 100 },
    offline: {
      split: 'test',
      n: 10,
      top1,
      macro_f1: top1 - 0.01,
      top2: 0.95,
      ece: 0.05,
      model_bytes: 9e6,
      load_ms: 20,
      batch1: summarise([5]),
      throughput_batch8: 100,
      throughput_batch32: 120,
    },
    cold_start_ms: [900, 700, 800],
    idle: { clients: 1, load, availability: 1, resources: resources(150) },
    closed_loop: { clients: 10, load, availability: 1, resources: resources(300) },
    siege: null,
    open_loop: [
      {
        offeredRps: 10,
        achievedRps: 10,
        p50Ms: 10,
        p95Ms: 20,
        p99Ms: 30,
        errorShare: 0,
        cpuCores: 0.5,
        peakRssMiB: 320,
      },
    ],
    sustainable: sustainable === null ? null : { throughput_rps: sustainable, p99_ms: 90, cpu_cores: 1.8 },
  };
}

describe('summariseResults', () => {
  it('should give each recipe its ratio to the predecessor', () => {
    const summary = summariseResults([result('predecessor', 0.8, 20, 10), result('latency', 0.86, 10, 120)]);
    const row = summary.rows.find((r) => r.metric === 'sustainable req/s at p99 target')!;
    assert.deepEqual(row.values, [10, 120]);
    assert.deepEqual(row.ratios, [1, 12]);
    const idle = summary.rows.find((r) => r.metric === 'idle p50 ms')!;
    assert.deepEqual(idle.ratios, [1, 0.5]);
    assert.match(formatSummary(summary), /sustainable req\/s at p99 target\s+10\.0\s+120 \(×12\.0\)/);
  });

  it('should leave a ratio out where the baseline is missing or zero', () => {
    const summary = summariseResults([
      result('predecessor', 0.8, 20, null),
      result('latency', 0.86, 10, 120),
    ]);
    const row = summary.rows.find((r) => r.metric === 'sustainable req/s at p99 target')!;
    assert.deepEqual(row.ratios, [null, null]);
  });
});

describe('checkGoals', () => {
  it('should check the issue goals on measured figures', () => {
    const goals = checkGoals([
      result('predecessor', 0.8, 20, 10),
      result('accuracy', 0.9, 30, 40),
      result('latency', 0.89, 10, 120),
    ]);
    assert.deepEqual(
      goals.map((g) => g.met),
      [true, true, true, true],
    );
    const missed = checkGoals([
      result('predecessor', 0.8, 20, 10),
      // 7x the latency recipe's idle p50: past the 6x budget.
      result('accuracy', 0.9, 70, 40),
      result('latency', 0.85, 10, 50),
    ]);
    assert.deepEqual(
      missed.map((g) => g.met),
      [false, false, true, false],
    );
  });

  it('should say unknown where a recipe has no results', () => {
    assert.deepEqual(
      checkGoals([result('predecessor', 0.8, 20, 10)]).map((g) => g.met),
      [null, null, null, null],
    );
  });
});

describe('capacityFrom', () => {
  it('should derive the cost model figures from a bench result', () => {
    const capacity = capacityFrom(result('latency', 0.86, 12, 120));
    assert.deepEqual(capacity, {
      schema: 'gourmetgram.capacity/1',
      recipe: 'latency',
      source: 'gourmetgram bench (2026-01-01T00:00:00.000Z)',
      throughput_rps_at_target: 120,
      latency_target_ms: 100,
      latency_p50_ms: 12,
      cold_start_s: 0.8,
      memory_mib: 320,
      cpu_cores_at_throughput: 1.8,
    });
  });

  it('should leave out the throughput when no rate met the target, so the cost model refuses it', () => {
    const capacity = capacityFrom(result('predecessor', 0.8, 20, null));
    assert.equal(capacity.throughput_rps_at_target, undefined);
    assert.equal(capacity.cpu_cores_at_throughput, undefined);
  });
});

describe('parseSiegeJson', () => {
  it('should read the summary siege prints with -j after its warnings', () => {
    const text = `[warning] some note\n{\t"transactions":\t\t\t 500,\n\t"availability":\t\t 100.00,\n\t"elapsed_time":\t 9.99,\n\t"data_transferred": 0.1,\n\t"response_time": 0.18,\n\t"transaction_rate": 50.05,\n\t"failed_transactions": 0,\n\t"longest_transaction": 0.4\n}\n`;
    const summary = parseSiegeJson(text);
    assert.equal(summary.transactions, 500);
    assert.equal(summary.transaction_rate, 50.05);
    assert.equal(summary.longest_transaction, 0.4);
  });

  it('should reject output without a summary', () => {
    assert.throws(() => parseSiegeJson('siege aborted'), { code: 'GG_ERR_BENCH_SIEGE' });
  });
});
