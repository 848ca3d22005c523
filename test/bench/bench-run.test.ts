import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { projectPath } from '../../src/core/index.js';
import { capacityFiguresSchema } from '../../src/deploy/index.js';

const run = promisify(execFile);
const source = process.env.GOURMETGRAM_DATA;
const mirror = process.env.GOURMETGRAM_MODEL_MIRROR;

// A short real run of the predecessor's recipe through the CLI: a real server process, real photos, real load.
// It asserts on the shape of what is written, never on times (the machine is shared).
describe('gourmetgram bench', {
  skip: !source || !mirror ? 'needs GOURMETGRAM_DATA and GOURMETGRAM_MODEL_MIRROR' : false,
}, () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gg-bench-test-'));
    // Two photos per class and split, copied from the real data, so the offline evaluation takes seconds.
    for (const split of ['train', 'test'])
      for (const c of (await readdir(join(source!, split))).sort()) {
        await mkdir(join(dir, 'data', split, c), { recursive: true });
        for (const f of (await readdir(join(source!, split, c))).sort().slice(0, 2))
          await copyFile(join(source!, split, c, f), join(dir, 'data', split, c, f));
      }
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('should write bench.json, a capacity file the cost model reads and a summary', async () => {
    const results = join(dir, 'results');
    const { stdout, stderr } = await run(
      process.execPath,
      [
        projectPath('dist', 'src', 'cli', 'main.js'),
        'bench',
        '--recipe',
        'predecessor',
        '--seconds',
        '1',
        '--step-seconds',
        '1',
        '--photos',
        '11',
        '--data',
        join(dir, 'data'),
        '--results',
        results,
      ],
      { env: process.env, timeout: 120_000 },
    );
    assert.match(stderr, /\[predecessor\] open loop/);
    assert.match(stdout, /sustainable req\/s at p99 target/);
    const bench = JSON.parse(await readFile(join(results, 'predecessor', 'bench.json'), 'utf8'));
    assert.equal(bench.schema, 'gourmetgram.bench/1');
    assert.equal(bench.offline.n, 22);
    assert.ok(bench.offline.top1 >= 0 && bench.offline.top1 <= 1);
    assert.equal(bench.cold_start_ms.length, 3);
    assert.equal(bench.closed_loop.clients, 10);
    assert.ok(bench.closed_loop.load.sent > 0);
    assert.ok(bench.closed_loop.resources.samples >= 1);
    assert.ok(bench.open_loop.length >= 1);
    for (let i = 1; i < bench.open_loop.length; i++)
      assert.ok(bench.open_loop[i].offeredRps > bench.open_loop[i - 1].offeredRps);
    const capacity = capacityFiguresSchema.parse(
      JSON.parse(await readFile(join(results, 'predecessor', 'capacity.json'), 'utf8')),
    );
    assert.equal(capacity.recipe, 'predecessor');
    assert.equal(capacity.latency_target_ms, 100);
    assert.ok(capacity.cold_start_s !== undefined && capacity.memory_mib !== undefined);
    const summary = JSON.parse(await readFile(join(results, 'bench-summary.json'), 'utf8'));
    assert.deepEqual(summary.summary.recipes, ['predecessor']);
  });
});
