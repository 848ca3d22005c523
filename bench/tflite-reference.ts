/**
 * `npm run bench:tflite-reference [-- --photos 50]`: the converted MobileNet-EdgeTPU graph (ONNX Runtime)
 * against TensorFlow Lite's own interpreter (WASM in Chromium) on real test photos fed the identical uint8
 * input: the pooled embedding and the 1001-way logits, both dequantised. Prints and writes
 * results/tflite/reference.json. Figures, not assertions (the converter's test holds the tolerance).
 */

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadTestPhotos } from '../src/bench/serve-process.js';
import { projectPath, readEnvironment } from '../src/core/index.js';
import {
  createOnnxSession,
  encodeModel,
  loadBackboneSpec,
  preprocessFor,
  readTfliteModel,
  resolveBackbone,
  resolveClassifierModel,
  resolveEmbeddingModel,
  tfliteConverterVersion,
} from '../src/models/index.js';
import { imageToTensor } from '../src/vision/index.js';
import { agreement, quantiseNchwToNhwc, retargetOutput, TfliteInterpreter } from './tflite-interpreter.js';

const { values } = parseArgs({ options: { photos: { type: 'string', default: '50' } } });
const env = readEnvironment(process.env);
if (!env.data) throw new Error('set GOURMETGRAM_DATA to a Food-11 folder (with test/<Class>/*.jpg)');
const store = {
  mirrorDir: env.modelMirror,
  cacheDir: join(env.cacheDir, 'backbones'),
};
const spec = await loadBackboneSpec('mobilenet-edgetpu-224-1.0-uint8');
const source = await readFile((await resolveBackbone(spec, store)).path);
const tflite = readTfliteModel(source);
const tensor = (name: string) => {
  const t = tflite.tensors.find((x) => x.name === name);
  if (!t?.quantization) throw new Error(`${name} is not a quantised tensor of ${spec.file}`);
  return { index: t.index, scale: t.quantization.scale[0]!, zeroPoint: t.quantization.zeroPoint[0]! };
};
const pooled = tensor(spec.embedding.tensor);
const logits = tensor(spec.classifier!.tensor);
const interpreter = await TfliteInterpreter.start(
  { pooled: retargetOutput(source, pooled.index), logits: retargetOutput(source, logits.index) },
  env.chromium,
);
const embedder = await createOnnxSession(
  encodeModel(await resolveEmbeddingModel(spec, store, { flipTta: false })),
);
const classifier = await createOnnxSession(encodeModel(await resolveClassifierModel(spec, store)));
const rows = {
  refEmbedding: [] as Float32Array[],
  embedding: [] as Float32Array[],
  refLogits: [] as Float32Array[],
  logits: [] as Float32Array[],
};
const dequantise = (codes: number[], q: { scale: number; zeroPoint: number }) =>
  Float32Array.from(codes, (c) => (c - q.zeroPoint) * q.scale);
const photos = await loadTestPhotos(env.data, Number(values.photos));
const size = spec.input.size;
const { scale, zeroPoint } = spec.input.source!;
for (const photo of photos) {
  const { tensor: image } = await imageToTensor(photo.body, preprocessFor(spec));
  const input = quantiseNchwToNhwc(image, 3, scale, zeroPoint);
  const reference = await interpreter.run(input, [1, size, size, 3]);
  rows.refEmbedding.push(dequantise(reference.pooled!, pooled));
  rows.refLogits.push(dequantise(reference.logits!, logits));
  rows.embedding.push((await embedder.run(image, [1, 3, size, size])).embedding!.data);
  rows.logits.push((await classifier.run(image, [1, 3, size, size])).logits!.data);
}
await Promise.all([interpreter.close(), embedder.release(), classifier.release()]);

const require = createRequire(import.meta.url);
const report = {
  backbone: spec.name,
  sourceSha256: spec.sha256,
  converterVersion: tfliteConverterVersion,
  reference: `@tensorflow/tfjs-tflite ${require('@tensorflow/tfjs-tflite/package.json').version} (TFLite WASM, one thread) in Chromium`,
  converted: `onnxruntime-node ${require('onnxruntime-node/package.json').version}, graph optimisation 'all', one thread`,
  photos: photos.length,
  input: `${size}×${size} centre crop ${spec.input.cropFraction}, identical uint8 codes for both`,
  embedding: {
    tensor: spec.embedding.tensor,
    quantumScale: pooled.scale,
    ...agreement(rows.refEmbedding, rows.embedding),
  },
  logits: {
    tensor: spec.classifier!.tensor,
    quantumScale: logits.scale,
    ...agreement(rows.refLogits, rows.logits),
  },
  command: `npm run bench:tflite-reference -- --photos ${photos.length}`,
};
const dir = projectPath('results', 'tflite');
await mkdir(dir, { recursive: true });
await writeFile(join(dir, 'reference.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log(JSON.stringify(report, null, 2));
