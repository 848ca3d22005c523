/**
 * `npm run bench:serve [-- --recipe latency --seconds 10 --overload-seconds 60]`: starts `gourmetgram serve`
 * as a real process, drives /predict over loopback with real test photos (and 12-MP upscales), and prints
 * throughput, latency percentiles, mean batch size, CPU and peak RSS per concurrency, plus cold start.
 * Writes results/<recipe>/serve.json. Figures, not assertions: the machine is shared and noisy.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BenchError, readFloor, shareOfFloor } from '../src/bench/index.js';
import { generateLoad, type LoadItem, type LoadResult } from '../src/bench/load-generator.js';
import { type ResourceSample, startResourceSampler } from '../src/bench/resource-sampler.js';
import {
  loadTestPhotos,
  prepareServeRepository,
  type ServeProcess,
  startAfterColdStarts,
} from '../src/bench/serve-process.js';
import { projectPath, readEnvironment } from '../src/core/index.js';
import { loadRecipe } from '../src/recipes/index.js';
import { upscale12mp } from './twelve-megapixel.js';

const { values } = parseArgs({
  options: {
    recipe: { type: 'string', default: 'latency' },
    seconds: { type: 'string', default: '10' },
    'overload-seconds': { type: 'string', default: '60' },
    photos: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '1,4,16,64' },
  },
});
const env = readEnvironment(process.env);
// The server process must use the same cache as this one, so it finds the model packaged here.
const childEnv = { ...process.env, GOURMETGRAM_CACHE: env.cacheDir };
const dataDir = env.data;
if (!dataDir)
  throw new BenchError(
    'GG_ERR_BENCH_SETUP',
    'set GOURMETGRAM_DATA to a Food-11 folder (with test/<Class>/*.jpg)',
  );
const recipe = await loadRecipe(values.recipe);
const seconds = Number(values.seconds);
const repository = await prepareServeRepository(recipe, {
  mirrorDir: env.modelMirror,
  cacheDir: env.cacheDir,
});
const photos = await loadTestPhotos(dataDir, Number(values.photos));
const big = await upscale12mp(photos, 6);

async function batchTotals(url: string): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const read = (name: string) =>
    Number(/^(\S+) (\S+)$/m.exec(text.split('\n').find((l) => l.startsWith(name)) ?? '')?.[2] ?? 0);
  return { sum: read('gourmetgram_batch_size_sum'), count: read('gourmetgram_batch_size_count') };
}

interface Row {
  readonly label: string;
  readonly concurrency: number | null;
  readonly offeredPerSecond: number | null;
  readonly load: LoadResult;
  readonly meanBatch: number;
  readonly resources: ResourceSample;
  /** 1-minute load average when the run ended (the machine is shared). */
  readonly loadAverage: number;
}

async function measure(
  server: ServeProcess,
  label: string,
  items: readonly LoadItem[],
  shape: {
    concurrency?: number;
    ratePerSecond?: number;
    durationMs?: number;
    requests?: number;
    timeoutMs?: number;
  },
): Promise<Row> {
  const before = await batchTotals(server.url);
  const sampler = startResourceSampler(server.child.pid!);
  const load = await generateLoad({ url: `${server.url}/predict`, items, ...shape });
  const resources = await sampler.stop();
  const after = await batchTotals(server.url);
  const batches = after.count - before.count;
  return {
    label,
    concurrency: shape.concurrency ?? null,
    offeredPerSecond: shape.ratePerSecond ?? null,
    load,
    meanBatch: batches > 0 ? (after.sum - before.sum) / batches : Number.NaN,
    resources,
    loadAverage: loadavg()[0]!,
  };
}

const { server, colds } = await startAfterColdStarts(recipe, repository, childEnv);
const rows: Row[] = [];
try {
  await generateLoad({ url: `${server.url}/predict`, items: photos, concurrency: 4, requests: 100 });
  for (const concurrency of values.concurrency.split(',').map(Number))
    rows.push(await measure(server, `c=${concurrency}`, photos, { concurrency, durationMs: seconds * 1000 }));
  rows.push(await measure(server, '12MP c=1', big, { concurrency: 1, requests: 60 }));
  const peak = Math.max(
    ...rows
      .filter((r) => r.concurrency !== null && !r.label.startsWith('12MP'))
      .map((r) => r.load.throughput),
  );
  const overloadSeconds = Number(values['overload-seconds']);
  if (overloadSeconds > 0)
    rows.push(
      await measure(server, `3x peak open loop ${overloadSeconds}s`, photos, {
        ratePerSecond: Math.round(3 * peak),
        durationMs: overloadSeconds * 1000,
        timeoutMs: 10_000,
      }),
    );
} finally {
  await server.stop();
}

// Every throughput against the machine's measured floor (results/floor.json, npm run bench:floor).
const floor = await readFloor();
// CPU per photo the server spent against the floor's CPU per photo: a share that other programs on the
// cores do not move, unlike photos/s.
const cpuShare = (r: Row) =>
  floor?.cpu_time_ms_per_photo
    ? floor.cpu_time_ms_per_photo / ((1000 * r.resources.cpuCores) / r.load.throughput)
    : Number.NaN;
const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const lines = [
  `recipe ${recipe.name} (${recipe.model.backbone} ${recipe.model.precision} ${recipe.model.input_size}px; instances ${recipe.serving.instances}, ` +
    `intra_op ${recipe.serving.intra_op_threads}, max_batch ${recipe.serving.max_batch_size}, delay ${recipe.serving.max_queue_delay_ms} ms)`,
  `cold start to ready: ${colds.map((c) => `${Math.round(c)} ms`).join(', ')} (spawn → ready line, 3 runs)`,
  '',
  floor
    ? `floor: ${f(floor.photos_per_second, 0)} photos/s, lone photo ${f(floor.lone_latency_ms, 2)} ms (results/floor.json, ${floor.created})`
    : 'no results/floor.json: run npm run bench:floor for shares of the floor',
  'run                       req/s  floor  CPU-floor    p50 ms   p95 ms   p99 ms  batch  CPU cores  peak RSS MB  load  answers',
  ...rows.map(
    (r) =>
      `${r.label.padEnd(24)} ${f(r.load.throughput).padStart(6)} ${shareOfFloor(floor, r.load.throughput).replace(' of floor', '').padStart(6)} ${`${f(100 * cpuShare(r), 0)}%`.padStart(10)} ${f(r.load.latency.p50, 2).padStart(9)} ${f(r.load.latency.p95, 2).padStart(8)} ` +
      `${f(r.load.latency.p99, 2).padStart(8)} ${f(r.meanBatch, 2).padStart(6)} ${f(r.resources.cpuCores, 2).padStart(10)} ` +
      `${f(r.resources.peakRssBytes / 2 ** 20, 0).padStart(12)} ${f(r.loadAverage).padStart(5)}  ${Object.entries(
        r.load.statuses,
      )
        .map(([k, v]) => `${k}:${v}`)
        .join(' ')}` +
      (r.load.rejectedLatency.count ? ` (rejections p99 ${f(r.load.rejectedLatency.p99, 1)} ms)` : ''),
  ),
];
process.stdout.write(`${lines.join('\n')}\n`);
const out = projectPath('results', recipe.name);
await mkdir(out, { recursive: true });
const result = {
  schema: 'gourmetgram.bench.serve/1',
  recipe: recipe.name,
  created: new Date().toISOString(),
  machine: { cores: cpus().length, node: process.version, load_average: loadavg() },
  floor: floor
    ? {
        photos_per_second: floor.photos_per_second,
        lone_latency_ms: floor.lone_latency_ms,
        created: floor.created,
        cpu_time_ms_per_photo: floor.cpu_time_ms_per_photo ?? null,
        peak_share: Math.max(...rows.map((r) => r.load.throughput)) / floor.photos_per_second,
        cpu_shares: Object.fromEntries(rows.map((r) => [r.label, cpuShare(r)])),
      }
    : null,
  serving: recipe.serving,
  photos: photos.length,
  cold_start_ms: colds,
  runs: rows,
};
await writeFile(join(out, 'serve.json'), `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`wrote ${join(out, 'serve.json')}\n`);
