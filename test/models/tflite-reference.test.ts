import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  agreement,
  quantiseNchwToNhwc,
  retargetOutput,
  TfliteInterpreter,
} from '../../bench/tflite-interpreter.js';
import { loadTestPhotos } from '../../src/bench/serve-process.js';
import {
  type BackboneSpec,
  createOnnxSession,
  encodeModel,
  loadBackboneSpec,
  type OnnxSession,
  preprocessFor,
  readTfliteModel,
  resolveClassifierModel,
  resolveEmbeddingModel,
} from '../../src/models/index.js';
import { imageToTensor } from '../../src/vision/index.js';

const {
  GOURMETGRAM_MODEL_MIRROR: mirrorDir,
  GOURMETGRAM_DATA: dataDir,
  GOURMETGRAM_CHROMIUM: chromium,
} = process.env;
const skip =
  mirrorDir && dataDir && chromium
    ? false
    : 'needs GOURMETGRAM_MODEL_MIRROR, GOURMETGRAM_DATA, GOURMETGRAM_CHROMIUM';

/**
 * The converted graph against TensorFlow Lite's own interpreter (its WASM build, in Chromium) on real photos
 * given the identical uint8 input. Quantised arithmetic rounds differently in the two runtimes (ONNX
 * Runtime requantises in float, TFLite in fixed point), so a code may differ by one here and there and the
 * differences travel through 60 layers; measured on 50 photos: embeddings within 2 quanta, cosine ≥ 0.993, top-1 equal on 49.
 */
describe('converted TFLite graph against the TFLite interpreter', { skip }, () => {
  let spec: BackboneSpec;
  let interpreter: TfliteInterpreter;
  let embedder: OnnxSession;
  let classifier: OnnxSession;
  const quanta = { pooled: 0, logits: 0 };
  const reference = { pooled: [] as Float32Array[], logits: [] as Float32Array[] };
  const ours = { pooled: [] as Float32Array[], logits: [] as Float32Array[] };

  before(async () => {
    spec = await loadBackboneSpec('mobilenet-edgetpu-224-1.0-uint8');
    // The shared cache keeps the conversion between runs; the conversion itself is tested in tflite-backbone.
    const cacheDir = process.env.GOURMETGRAM_CACHE ?? (await mkdtemp(join(tmpdir(), 'gg-tflite-ref-')));
    const store = { mirrorDir, cacheDir: join(cacheDir, 'backbones') };
    const source = await readFile(join(mirrorDir!, spec.file));
    const tensors = readTfliteModel(source).tensors;
    const find = (name: string) => tensors.find((t) => t.name === name)!;
    const pooled = find(spec.embedding.tensor);
    const logits = find(spec.classifier!.tensor);
    interpreter = await TfliteInterpreter.start(
      { pooled: retargetOutput(source, pooled.index), logits: retargetOutput(source, logits.index) },
      chromium!,
    );
    embedder = await createOnnxSession(
      encodeModel(await resolveEmbeddingModel(spec, store, { flipTta: false })),
    );
    classifier = await createOnnxSession(encodeModel(await resolveClassifierModel(spec, store)));
    quanta.pooled = pooled.quantization!.scale[0]!;
    quanta.logits = logits.quantization!.scale[0]!;
    const { scale, zeroPoint } = spec.input.source!;
    for (const photo of await loadTestPhotos(dataDir!, 3)) {
      const { tensor } = await imageToTensor(photo.body, preprocessFor(spec));
      const codes = await interpreter.run(quantiseNchwToNhwc(tensor, 3, scale, zeroPoint), [1, 224, 224, 3]);
      for (const [key, t] of [
        ['pooled', pooled],
        ['logits', logits],
      ] as const) {
        const q = t.quantization!;
        reference[key].push(Float32Array.from(codes[key]!, (c) => (c - q.zeroPoint[0]!) * q.scale[0]!));
      }
      ours.pooled.push((await embedder.run(tensor, [1, 3, 224, 224])).embedding!.data);
      ours.logits.push((await classifier.run(tensor, [1, 3, 224, 224])).logits!.data);
    }
  });
  after(async () => {
    await interpreter?.close();
    await embedder?.release();
    await classifier?.release();
  });

  it('should give the embedding within 3 quanta of the interpreter, most codes equal', () => {
    const a = agreement(reference.pooled, ours.pooled);
    assert.ok(
      a.maxAbs <= 3 * quanta.pooled + 1e-6,
      `max |difference| ${a.maxAbs} (quantum ${quanta.pooled})`,
    );
    assert.ok(a.exactShare >= 0.8, `${a.exactShare} of values equal`);
    assert.ok(a.cosine.min >= 0.99, `cosine ${a.cosine.min}`);
  });

  it('should give logits with the same ImageNet class as the interpreter', () => {
    const a = agreement(reference.logits, ours.logits);
    assert.equal(a.top1Agreement, a.rows);
    assert.ok(
      a.maxAbs <= 8 * quanta.logits + 1e-6,
      `max |difference| ${a.maxAbs} (quantum ${quanta.logits})`,
    );
  });

  it('should tell a different photo apart at this tolerance (the check can fail)', () => {
    const shifted = [...ours.pooled.slice(1), ours.pooled[0]!];
    const a = agreement(reference.pooled, shifted);
    assert.ok(a.cosine.min < 0.95 && a.maxAbs > 3 * quanta.pooled, `cosine ${a.cosine.min}`);
  });
});
