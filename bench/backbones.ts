/**
 * `npm run bench:backbones [-- --runs 40]`: milliseconds per image of each backbone's embedding graph on one
 * thread, at batch 1 and batch 8, on real test photos (the TFLite backbone as converted by the store). Prints
 * figures and ratios to the zoo MobileNetV2 and writes results/backbones/bench.json. Figures, not assertions:
 * the machine is shared and noisy, so each figure is a median over runs.
 */

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadTestPhotos } from '../src/bench/serve-process.js';
import { projectPath, readEnvironment } from '../src/core/index.js';
import {
  createOnnxSession,
  encodeModel,
  loadBackboneGraph,
  loadBackboneSpec,
  preprocessFor,
  resolveEmbeddingModel,
} from '../src/models/index.js';
import { imageToTensor } from '../src/vision/index.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '40' },
    backbones: {
      type: 'string',
      default: 'mobilenetv2-12-int8,mobilenet-edgetpu-224-1.0-uint8,food11-mobilenetv2-int8',
    },
  },
});
const env = readEnvironment(process.env);
if (!env.data) throw new Error('set GOURMETGRAM_DATA to a Food-11 folder (with test/<Class>/*.jpg)');
const store = {
  mirrorDir: env.modelMirror,
  cacheDir: join(env.cacheDir, 'backbones'),
};
const runs = Number(values.runs);
const photos = await loadTestPhotos(env.data, 8);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const rows = [];
for (const name of values.backbones.split(',')) {
  const spec = await loadBackboneSpec(name);
  const started = performance.now();
  const graph = await loadBackboneGraph(spec, store);
  const loadMs = performance.now() - started;
  const model = encodeModel(await resolveEmbeddingModel(spec, store, { flipTta: false }));
  const session = await createOnnxSession(model, { intraOpThreads: 1, graphOptimizationLevel: 'all' });
  const size = spec.input.size;
  const plane = 3 * size * size;
  const batch = new Float32Array(8 * plane);
  for (const [i, photo] of photos.entries())
    batch.set((await imageToTensor(photo.body, preprocessFor(spec))).tensor, i * plane);
  const perImage: Record<string, number> = {};
  for (const n of [1, 8]) {
    const input = batch.subarray(0, n * plane);
    for (let i = 0; i < 3; i++) await session.run(input, [n, 3, size, size]);
    const times: number[] = [];
    for (let i = 0; i < (n === 1 ? runs : Math.ceil(runs / 4)); i++) {
      const t = performance.now();
      await session.run(input, [n, 3, size, size]);
      times.push(performance.now() - t);
    }
    perImage[`batch${n}`] = median(times) / n;
  }
  await session.release();
  rows.push({
    backbone: name,
    format: spec.file.endsWith('.tflite') ? 'tflite→onnx' : 'onnx',
    inputSize: size,
    embeddingWidth: spec.embedding.width,
    onnxBytes: graph.bytes.length,
    loadMs: { value: loadMs, converted: graph.converted },
    msPerImage: perImage,
  });
  console.log(
    `${name.padEnd(34)} batch 1 ${perImage.batch1!.toFixed(2)} ms/image   batch 8 ${perImage.batch8!.toFixed(2)} ms/image` +
      `   ${(graph.bytes.length / 1e6).toFixed(2)} MB${graph.converted ? `   (converted in ${loadMs.toFixed(0)} ms)` : ''}`,
  );
}
const base = rows.find((r) => r.backbone === 'mobilenetv2-12-int8');
const ratios = base
  ? rows.map((r) => ({
      backbone: r.backbone,
      batch1: r.msPerImage.batch1! / base.msPerImage.batch1!,
      batch8: r.msPerImage.batch8! / base.msPerImage.batch8!,
    }))
  : [];
for (const r of ratios)
  console.log(
    `${r.backbone.padEnd(34)} × zoo MobileNetV2: batch 1 ${r.batch1.toFixed(2)}, batch 8 ${r.batch8.toFixed(2)}`,
  );
const dir = projectPath('results', 'backbones');
await mkdir(dir, { recursive: true });
const report = {
  threads: 1,
  runs,
  statistic: 'median over runs (batch 8: runs/4), divided by the batch size',
  rows,
  ratiosToZoo: ratios,
  command: `npm run bench:backbones -- --runs ${runs}`,
};
await writeFile(join(dir, 'bench.json'), `${JSON.stringify(report, null, 2)}\n`);
