import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { ModelStoreOptions } from '../models/index.js';
import type { Recipe } from '../recipes/index.js';
import type { BenchResult, ClosedLoopRun, OfflineFigures, SiegeRun } from './bench-result.js';
import { capacityFrom, sustainablePoint } from './capacity.js';
import { type FloorResult, shareOfFloor } from './floor.js';
import { generateLoad, type LoadItem } from './load-generator.js';
import { measureOffline } from './offline.js';
import { isSaturated, type RateStep, rateLadder } from './open-loop.js';
import { startResourceSampler } from './resource-sampler.js';
import {
  type BenchPhoto,
  loadTestPhotos,
  prepareServeRepository,
  type ServeProcess,
  startAfterColdStarts,
} from './serve-process.js';
import { runSiege, siegeAvailable } from './siege.js';

export interface BenchOptions {
  readonly recipe: Recipe;
  readonly dataDir: string;
  readonly store: ModelStoreOptions;
  /** Environment for the server process (model mirror, cache). */
  readonly env: NodeJS.ProcessEnv;
  /** Length of the closed-loop and siege runs (the protocol says 60). */
  readonly seconds: number;
  readonly clients: number;
  /** Length of each open-loop step. */
  readonly stepSeconds: number;
  readonly latencyTargetMs: number;
  readonly photos: number;
  readonly useSiege: boolean;
  /** Where bench.json and capacity.json go (results/<recipe>). */
  readonly outDir: string;
  readonly log: (line: string) => void;
  /** The machine's floor (results/floor.json): serving figures are printed as shares of it. */
  readonly floor?: FloorResult | undefined;
  readonly onProgress?: (stage: string, done: number, total: number) => void;
}

const samplingMs = 1000;

/**
 * Measures one recipe: offline figures, then a real `gourmetgram serve` process under the predecessor's
 * protocol (N clients closed loop, siege beside our generator) and an open-loop ladder up to saturation.
 * Writes bench.json and capacity.json (the figures `gourmetgram cost` reads) and returns the result.
 */
export async function benchRecipe(options: BenchOptions): Promise<BenchResult> {
  const { recipe, log } = options;
  const photos = await loadTestPhotos(options.dataDir, options.photos);
  const offline = await offlineFigures(options, photos);
  const repository = await prepareServeRepository(recipe, options.store);
  const { server, colds } = await startAfterColdStarts(recipe, repository, options.env);
  log(`[${recipe.name}] cold start (spawn to ready): ${colds.map((c) => `${Math.round(c)} ms`).join(', ')}`);
  try {
    const url = `${server.url}/predict`;
    await generateLoad({ url, items: photos, concurrency: 2, requests: 20 });
    const idle = await closedLoop(server, url, photos, 1, { requests: 60, durationMs: 15_000 });
    const floor = options.floor;
    const share = (rps: number) => (floor ? ` (${shareOfFloor(floor, rps)})` : '');
    log(
      `[${recipe.name}] idle (1 client): p50 ${idle.load.latency.p50.toFixed(1)} ms` +
        (floor ? ` (floor: a lone photo ${floor.lone_latency_ms.toFixed(1)} ms)` : ''),
    );
    log(`[${recipe.name}] ${options.clients} clients closed loop for ${options.seconds} s (our generator)`);
    const closed = await closedLoop(server, url, photos, options.clients, {
      durationMs: options.seconds * 1000,
    });
    log(
      `[${recipe.name}]   availability ${(closed.availability * 100).toFixed(2)}%, mean ${closed.load.latency.mean.toFixed(1)} ms, ` +
        `${closed.load.throughput.toFixed(1)} req/s${share(closed.load.throughput)}, CPU ${closed.resources.cpuCores.toFixed(2)} cores, peak RSS ${(closed.resources.peakRssBytes / 2 ** 20).toFixed(0)} MB`,
    );
    const siege = await siegeIfWanted(server, url, photos, options);
    const steps = await openLoopLadder(server, url, photos, closed.load.throughput, options, share);
    const sustainable = sustainablePoint(steps, options.latencyTargetMs);
    const result: BenchResult = {
      schema: 'gourmetgram.bench/1',
      recipe: recipe.name,
      created: new Date().toISOString(),
      machine: { cores: cpus().length, node: process.version, load_average: loadavg() },
      protocol: {
        seconds: options.seconds,
        clients: options.clients,
        step_seconds: options.stepSeconds,
        latency_target_ms: options.latencyTargetMs,
      },
      offline,
      cold_start_ms: colds,
      idle,
      closed_loop: closed,
      siege,
      open_loop: steps,
      sustainable,
      floor: floorShares(floor, closed.load.throughput, sustainable),
    };
    await writeBenchFiles(options.outDir, result);
    log(`[${recipe.name}] wrote ${join(options.outDir, 'bench.json')} and capacity.json`);
    return result;
  } finally {
    await server.stop();
  }
}

/** Accuracy on test, model size, load time and inference-only latency: the model alone, no server. */
async function offlineFigures(options: BenchOptions, photos: readonly BenchPhoto[]): Promise<OfflineFigures> {
  const { recipe, log } = options;
  log(`[${recipe.name}] offline: accuracy on test, model size, load time, inference-only latency`);
  const offline = await measureOffline({
    recipe,
    dataDir: options.dataDir,
    store: options.store,
    photos: photos.map((p) => p.body),
    iterations: Math.max(30, Math.min(200, options.seconds * 5)),
    onProgress: (done, total) => options.onProgress?.(`[${recipe.name}] evaluating test`, done, total),
  });
  log(
    `[${recipe.name}] top-1 ${(offline.top1 * 100).toFixed(1)}% macro-F1 ${(offline.macro_f1 * 100).toFixed(1)}%; ` +
      `batch 1 p50 ${offline.batch1.p50.toFixed(1)} ms p99 ${offline.batch1.p99.toFixed(1)} ms; ` +
      `batch 8 ${offline.throughput_batch8.toFixed(0)} img/s, batch 32 ${offline.throughput_batch32.toFixed(0)} img/s`,
  );
  return offline;
}

/** The same closed-loop protocol through siege, when asked for and installed; null otherwise. */
async function siegeIfWanted(
  server: ServeProcess,
  url: string,
  photos: readonly BenchPhoto[],
  options: BenchOptions,
): Promise<SiegeRun | null> {
  const { recipe, log } = options;
  if (!options.useSiege) return null;
  if (!(await siegeAvailable())) {
    log(`[${recipe.name}] siege is not installed; skipping the independent client`);
    return null;
  }
  log(`[${recipe.name}] siege -c ${options.clients} -t ${options.seconds}S`);
  try {
    const siege = await siegeRun(server, url, photos, options);
    log(
      `[${recipe.name}]   siege: availability ${(siege.availability * 100).toFixed(2)}%, response ${siege.response_time_ms.toFixed(0)} ms, ${siege.transaction_rate.toFixed(1)} trans/s`,
    );
    return siege;
  } catch (error) {
    // The independent client failing is a finding to print, not a reason to lose our own measurements.
    log(`[${recipe.name}]   siege failed: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
}

/** bench.json, and capacity.json derived from it (what `gourmetgram cost` reads). */
async function writeBenchFiles(outDir: string, result: BenchResult): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'bench.json'), `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(join(outDir, 'capacity.json'), `${JSON.stringify(capacityFrom(result), null, 2)}\n`);
}

/** Open-loop steps up the ladder from the closed-loop rate until the p99 target breaks. */
async function openLoopLadder(
  server: ServeProcess,
  url: string,
  photos: readonly LoadItem[],
  closedRps: number,
  options: BenchOptions,
  share: (rps: number) => string,
): Promise<RateStep[]> {
  const steps: RateStep[] = [];
  for (const rate of rateLadder(closedRps)) {
    const step = await openLoopStep(server, url, photos, rate, options.stepSeconds);
    steps.push(step);
    options.log(
      `[${options.recipe.name}] open loop ${rate} req/s offered: ${step.achievedRps.toFixed(1)} achieved${share(step.achievedRps)}, p50 ${step.p50Ms.toFixed(1)} ms, ` +
        `p99 ${step.p99Ms.toFixed(1)} ms, errors ${(step.errorShare * 100).toFixed(1)}%`,
    );
    if (isSaturated(step, options.latencyTargetMs)) break;
  }
  return steps;
}

function floorShares(
  floor: FloorResult | undefined,
  closedLoopRps: number,
  sustainable: BenchResult['sustainable'],
): BenchResult['floor'] {
  if (!floor) return null;
  return {
    photos_per_second: floor.photos_per_second,
    lone_latency_ms: floor.lone_latency_ms,
    closed_loop_share: closedLoopRps / floor.photos_per_second,
    sustainable_share: sustainable ? sustainable.throughput_rps / floor.photos_per_second : null,
  };
}

async function siegeRun(
  server: ServeProcess,
  url: string,
  photos: readonly { path: string }[],
  options: BenchOptions,
): Promise<SiegeRun> {
  const sampler = startResourceSampler(server.pid, samplingMs);
  const ran = await runSiege({
    url,
    photoPaths: photos.map((p) => p.path),
    clients: options.clients,
    seconds: options.seconds,
  }).catch(async (error: unknown) => {
    await sampler.stop();
    throw error;
  });
  const resources = await sampler.stop();
  const { command, summary } = ran;
  return {
    command,
    transactions: summary.transactions,
    availability: summary.availability / 100,
    elapsed_s: summary.elapsed_time,
    response_time_ms: summary.response_time * 1000,
    transaction_rate: summary.transaction_rate,
    failed_transactions: summary.failed_transactions,
    longest_transaction_ms: summary.longest_transaction * 1000,
    resources,
  };
}

async function closedLoop(
  server: ServeProcess,
  url: string,
  items: readonly LoadItem[],
  clients: number,
  shape: { requests?: number; durationMs?: number },
): Promise<ClosedLoopRun> {
  const sampler = startResourceSampler(server.pid, samplingMs);
  const load = await generateLoad({ url, items, concurrency: clients, ...shape });
  const resources = await sampler.stop();
  return { clients, load, availability: load.sent ? load.ok / load.sent : 0, resources };
}

async function openLoopStep(
  server: ServeProcess,
  url: string,
  items: readonly LoadItem[],
  rate: number,
  seconds: number,
): Promise<RateStep> {
  const sampler = startResourceSampler(server.pid, samplingMs);
  const load = await generateLoad({
    url,
    items,
    ratePerSecond: rate,
    durationMs: seconds * 1000,
    timeoutMs: 10_000,
  });
  const resources = await sampler.stop();
  return {
    offeredRps: rate,
    achievedRps: load.throughput,
    p50Ms: load.latency.p50,
    p95Ms: load.latency.p95,
    p99Ms: load.latency.p99,
    errorShare: load.sent ? (load.sent - load.ok) / load.sent : 0,
    cpuCores: resources.cpuCores,
    peakRssMiB: resources.peakRssBytes / 2 ** 20,
  };
}
