import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import sharp from 'sharp';
import { projectPath } from '../core/index.js';
import {
  buildEmbeddingModel,
  createOnnxSession,
  decodeModel,
  encodeModel,
  loadHead,
  type ModelStoreOptions,
  type OnnxSession,
  type PackagedModel,
  preparePackagedModel,
  resolveBackbone,
  withIntegerMemorySearch,
} from '../models/index.js';
import type { Recipe } from '../recipes/index.js';
import {
  type DecodeOptions,
  decodeJpegDirect,
  imageToPixels,
  inspectImage,
  libjpegAvailable,
  writeNormalisedChw,
} from '../vision/index.js';
import { BenchError } from './errors.js';
import { measureServedPath } from './floor-served-path.js';
import { type FloorStage, perCall, perPhoto, summariseRounds } from './floor-timing.js';
import { generateLoad, type LoadItem } from './load-generator.js';
import { startResourceSampler } from './resource-sampler.js';

export type { FloorStage } from './floor-timing.js';

const servedPipeline = 'decode + resize + crop (served pipeline)';

/** results/floor.json: what each stage costs alone, and the floor it implies for a recipe's model. */
export interface FloorResult {
  readonly schema: 'gourmetgram.bench.floor/1';
  readonly recipe: string;
  readonly model: string;
  readonly created: string;
  readonly machine: {
    readonly cores: number;
    readonly node: string;
    readonly load_average: readonly number[];
  };
  readonly photos: number;
  readonly rounds: number;
  readonly stages: readonly FloorStage[];
  /** CPU per photo when busy: sharp pipeline + model per photo at batch 8 on one thread + HTTP server side. */
  readonly cpu_ms_per_photo: number;
  /** What `cores` busy cores clear at that cost. */
  readonly photos_per_second: number;
  /** One lone photo: pipeline + model at batch 1 on two threads + an HTTP round trip. */
  readonly lone_latency_ms: number;
  /** `cpu_ms_per_photo` from the stages' CPU times: the floor as the work itself, whatever else runs. */
  readonly cpu_time_ms_per_photo?: number;
}

export interface FloorOptions {
  readonly recipe: Recipe;
  readonly store: ModelStoreOptions;
  readonly photos: readonly LoadItem[];
  readonly rounds: number;
  readonly onStage?: (stage: FloorStage) => void;
}

/**
 * Measures each stage of serving one photo alone, in this process, one libvips thread and the recipe's
 * model: the header (sharp's and ours), the full decode (libvips, libjpeg-turbo), the crop through libvips and
 * as served (native/ where built), normalisation to float CHW, the packaged model and its backbone and head apart
 * at batch 1 and 8 on one and two threads, and an empty HTTP round trip to a Fastify process that reads the body
 * and answers JSON.
 */
export async function measureFloor(options: FloorOptions): Promise<FloorResult> {
  const { recipe, photos, rounds } = options;
  const bytes = photos.map((p) => p.body);
  const packaged = await preparePackagedModel(recipe.model, options.store);
  const spec = packaged.preprocess;
  // As the recipe's workers decode: libjpeg-turbo where native/ is built and the recipe asks for it.
  const served: DecodeOptions = {
    shrinkOnLoad: recipe.serving.shrink_on_load,
    jpegDecoder: libjpegAvailable ? recipe.serving.jpeg_decoder : 'libvips',
  };
  const stages: FloorStage[] = [];
  const add = (stage: FloorStage) => {
    stages.push(stage);
    options.onStage?.(stage);
  };
  const previousConcurrency = sharp.concurrency();
  sharp.concurrency(1);
  try {
    add(await perPhoto('header (sharp metadata)', rounds, bytes, (b) => sharp(b).metadata()));
    add(await perPhoto('header (served: JS for JPEG, checks)', rounds, bytes, (b) => inspectImage(b)));
    add(
      await perPhoto('decode, full size', rounds, bytes, (b) =>
        sharp(b).rotate().removeAlpha().raw().toBuffer(),
      ),
    );
    if (libjpegAvailable)
      add(
        await perPhoto('decode, full size (libjpeg-turbo alone)', rounds, bytes, (b) => decodeJpegDirect(b)),
      );
    // Side by side: the crop all through libvips, and as the recipe serves it (native/'s decode and resize).
    add(
      await perPhoto('decode + resize + crop (libvips decode)', rounds, bytes, (b) =>
        imageToPixels(b, spec, { ...served, jpegDecoder: 'libvips' }),
      ),
    );
    add(await perPhoto(servedPipeline, rounds, bytes, (b) => imageToPixels(b, spec, served)));
    const crops = await Promise.all(bytes.slice(0, 32).map((b) => imageToPixels(b, spec, served)));
    const out = new Float32Array(3 * spec.size * spec.size);
    add(
      await perPhoto('normalise to float CHW (JS)', rounds, crops, async (c) =>
        writeNormalisedChw(c.pixels, spec, out, 0),
      ),
    );
    for (const stage of await measureModels(packaged, crops, rounds, options.store)) add(stage);
    for (const stage of await measureServedPath(packaged, bytes, rounds, served)) add(stage);
  } finally {
    sharp.concurrency(previousConcurrency);
  }
  const http = await measureEmptyHttp(photos, rounds);
  add(http.roundTrip);
  add(http.serverCpu);

  const ms = (name: string) => {
    const found = stages.find((s) => s.stage === name);
    if (!found) throw new Error(`bug: no stage ${name}`);
    return found.ms;
  };
  const cpu = (name: string) => stages.find((s) => s.stage === name)?.cpu_ms ?? ms(name);
  const pipeline = ms(servedPipeline);
  const cpuPerPhoto = pipeline + ms('model, batch 8, 1 thread (per photo)') + ms(http.serverCpu.stage);
  const cpuTime =
    cpu(servedPipeline) + cpu('model, batch 8, 1 thread (per photo)') + ms(http.serverCpu.stage);
  const cores = cpus().length;
  return {
    schema: 'gourmetgram.bench.floor/1',
    recipe: recipe.name,
    model: `${packaged.name} v${packaged.version}`,
    created: new Date().toISOString(),
    machine: { cores, node: process.version, load_average: loadavg() },
    photos: photos.length,
    rounds,
    stages,
    cpu_ms_per_photo: cpuPerPhoto,
    photos_per_second: (cores * 1000) / cpuPerPhoto,
    lone_latency_ms: pipeline + ms('model, batch 1, 2 threads') + ms(http.roundTrip.stage),
    cpu_time_ms_per_photo: cpuTime,
  };
}

async function measureModels(
  packaged: PackagedModel,
  crops: readonly { pixels: Uint8Array }[],
  rounds: number,
  store: ModelStoreOptions,
): Promise<FloorStage[]> {
  const spec = packaged.preprocess;
  const side = spec.size;
  const length = 3 * side * side;
  const input = (n: number) => {
    const tensor = new Float32Array(n * length);
    for (let i = 0; i < n; i++) writeNormalisedChw(crops[i % crops.length]!.pixels, spec, tensor, i * length);
    return tensor;
  };
  const batch1 = input(1);
  const batch8 = input(8);
  const stages: FloorStage[] = [];
  const timeSession = async (threads: string, session: OnnxSession) => {
    for (const [n, tensor] of [
      [1, batch1],
      [8, batch8],
    ] as const) {
      const dims = [n, 3, side, side];
      await session.run(tensor, dims);
      const label = `model, batch ${n}, ${threads}`;
      const stage = await perCall(label, rounds, 40 / n, () => session.run(tensor, dims));
      stages.push(
        n === 1
          ? stage
          : {
              ...stage,
              stage: `${stage.stage} (per photo)`,
              ms: stage.ms / n,
              min_ms: stage.min_ms / n,
              cpu_ms: (stage.cpu_ms ?? Number.NaN) / n,
            },
      );
    }
  };
  for (const threads of [1, 2]) {
    const session = await createOnnxSession(packaged.path, {
      intraOpThreads: threads,
      graphOptimizationLevel: 'all',
    });
    await timeSession(threads === 1 ? '1 thread' : `${threads} threads`, session);
    await session.release();
  }
  // The backbone alone (the same graph up to the embedding) and the head alone on embeddings.
  const backbone = await resolveBackbone(packaged.backbone, {
    mirrorDir: store.mirrorDir,
    cacheDir: `${store.cacheDir}/backbones`,
  });
  const embeddingModel = encodeModel(
    buildEmbeddingModel(await readFile(backbone.path), packaged.backbone, {
      flipTta: packaged.card.flip_tta,
    }),
  );
  const backboneSession = await createOnnxSession(embeddingModel, {
    intraOpThreads: 1,
    graphOptimizationLevel: 'all',
  });
  const dims1 = [1, 3, side, side];
  await backboneSession.run(batch1, dims1);
  stages.push(
    await perCall('backbone alone, batch 1, 1 thread', rounds, 40, () => backboneSession.run(batch1, dims1)),
  );
  const embedding = (await backboneSession.run(batch1, dims1)).embedding!.data;
  await backboneSession.release();
  stages.push(...(await measureHeads(packaged, embedding, rounds)));
  return stages;
}

/** The committed head (float memory bank) and the head as packaged (int8 memory search), side by side. */
async function measureHeads(
  packaged: PackagedModel,
  embedding: Float32Array,
  rounds: number,
): Promise<FloorStage[]> {
  const head = await loadHead(packaged.card.name, undefined);
  const heads = [
    ['head alone (committed, float memory), batch 1, 1 thread', head.bytes],
    [
      'head alone (packaged, int8 memory), batch 1, 1 thread',
      encodeModel(withIntegerMemorySearch(decodeModel(head.bytes))),
    ],
  ] as const;
  const headDims = [1, embedding.length];
  const headSessions = await Promise.all(
    heads.map(([, bytes]) => createOnnxSession(bytes, { intraOpThreads: 1, graphOptimizationLevel: 'all' })),
  );
  const stages: FloorStage[] = [];
  for (const [i, [label]] of heads.entries()) {
    await headSessions[i]!.run(embedding, headDims);
    stages.push(await perCall(label, rounds, 200, () => headSessions[i]!.run(embedding, headDims)));
  }
  await Promise.all(headSessions.map((s) => s.release()));
  return stages;
}

// An empty service in its own process: Fastify reads the photo's bytes and answers a small JSON, as the
// real server does around its classifier.
const emptyServer = `
import Fastify from 'fastify';
const app = Fastify({ logger: false, bodyLimit: 64 * 1024 * 1024 });
app.addContentTypeParser(/^image\\//, { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
app.post('/predict', async (req) => ({ label: 'none', bytes: req.body.length }));
const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.stderr.write('ready on ' + address + '\\n');
`;

async function measureEmptyHttp(
  photos: readonly LoadItem[],
  rounds: number,
): Promise<{ roundTrip: FloorStage; serverCpu: FloorStage }> {
  const child: ChildProcess = spawn(process.execPath, ['--input-type=module', '-e', emptyServer], {
    cwd: projectPath(),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk;
        const found = /ready on (http:\/\/\S+)/.exec(stderr)?.[1];
        if (found) resolve(found);
      });
      child.on('exit', (code) =>
        reject(new BenchError('GG_ERR_BENCH_SERVER', `empty server exited with ${code}: ${stderr}`)),
      );
    });
    const target = `${url}/predict`;
    await generateLoad({ url: target, items: photos, concurrency: 1, requests: 200 });
    const latencies: number[] = [];
    const cpu: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const lone = await generateLoad({ url: target, items: photos, concurrency: 1, requests: 300 });
      latencies.push(lone.latency.mean);
      // Server CPU per request while busy: enough clients to keep it saturated.
      const sampler = startResourceSampler(child.pid!);
      const busy = await generateLoad({ url: target, items: photos, concurrency: 16, requests: 2000 });
      const resources = await sampler.stop();
      cpu.push((resources.cpuCores * busy.durationS * 1000) / busy.ok);
    }
    return {
      roundTrip: summariseRounds('empty HTTP round trip (Fastify, photo body)', latencies),
      serverCpu: summariseRounds('empty HTTP server CPU per request (busy)', cpu),
    };
  } finally {
    child.kill('SIGTERM');
  }
}

/** Reads results/floor.json when a floor was measured; serving benchmarks print their figures against it. */
export async function readFloor(): Promise<FloorResult | undefined> {
  try {
    return JSON.parse(await readFile(projectPath('results', 'floor.json'), 'utf8')) as FloorResult;
  } catch {
    return undefined;
  }
}

/** "87% of floor" for a throughput, or '' when no floor is known. */
export function shareOfFloor(floor: FloorResult | undefined, photosPerSecond: number): string {
  if (!floor || !Number.isFinite(photosPerSecond)) return '';
  return `${Math.round((100 * photosPerSecond) / floor.photos_per_second)}% of floor`;
}
