import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import {
  BackboneIntegrityError,
  type BackboneSpec,
  convertTfliteToOnnx,
  createOnnxSession,
  encodeModel,
  loadBackboneGraph,
  loadBackboneSpec,
  preprocessFor,
  resolveClassifierModel,
  resolveEmbeddingModel,
  TfliteFormatError,
} from '../../src/models/index.js';
import { imageToTensor } from '../../src/vision/index.js';

const mirrorDir = process.env.GOURMETGRAM_MODEL_MIRROR;
const dataDir = process.env.GOURMETGRAM_DATA;

/** A few real photos of different classes, read from the data set (never committed). */
async function photos(count: number): Promise<Buffer[]> {
  const root = join(dataDir!, 'test');
  const classes = (await readdir(root)).sort();
  const files: Buffer[] = [];
  for (let i = 0; files.length < count; i++) {
    const folder = join(root, classes[i % classes.length]!);
    const names = (await readdir(folder)).sort();
    files.push(await readFile(join(folder, names[Math.floor(i / classes.length)]!)));
  }
  return files;
}

async function batchOf(images: Buffer[], spec: BackboneSpec, size: number): Promise<Float32Array> {
  const plane = 3 * size * size;
  const batch = new Float32Array(images.length * plane);
  for (const [i, bytes] of images.entries())
    batch.set((await imageToTensor(bytes, preprocessFor(spec, size))).tensor, i * plane);
  return batch;
}

const argmax = (a: Float32Array, from: number, width: number) => {
  let best = 0;
  for (let j = 1; j < width; j++) if (a[from + j]! > a[from + best]!) best = j;
  return best;
};

const topK = (a: Float32Array, k: number) => [...a.keys()].sort((x, y) => a[y]! - a[x]!).slice(0, k);

const skip = mirrorDir && dataDir ? false : 'GOURMETGRAM_MODEL_MIRROR or GOURMETGRAM_DATA is not set';

describe('TensorFlow Lite backbone (MobileNet-EdgeTPU)', { skip }, () => {
  let spec: BackboneSpec;
  let source: Buffer;
  let cacheDir: string;

  before(async () => {
    spec = await loadBackboneSpec('mobilenet-edgetpu-224-1.0-uint8');
    source = await readFile(join(mirrorDir!, spec.file));
    cacheDir = await mkdtemp(join(tmpdir(), 'gg-tflite-'));
  });

  it('should convert the file once and reuse the conversion cached under its SHA-256', async () => {
    const first = await loadBackboneGraph(spec, { mirrorDir, cacheDir });
    assert.equal(first.converted, true);
    const second = await loadBackboneGraph(spec, { mirrorDir, cacheDir });
    assert.equal(second.converted, false);
    assert.deepEqual(second.bytes, first.bytes);
    const cached = await readdir(join(cacheDir, 'converted'));
    assert.deepEqual(cached, [`${spec.sha256}-tflite2onnx-v1.onnx`]);
  });

  it('should expose a 1280-wide embedding for a batch, at 224 and at 288 pixels', async () => {
    const session = await createOnnxSession(
      encodeModel(await resolveEmbeddingModel(spec, { mirrorDir, cacheDir }, { flipTta: false })),
    );
    const images = await photos(3);
    for (const size of [224, 288]) {
      const out = await session.run(await batchOf(images, spec, size), [3, 3, size, size]);
      const embedding = out.embedding!;
      assert.deepEqual(embedding.dims, [3, 1280]);
      assert.ok(embedding.data.every(Number.isFinite));
      // ReLU6 features pooled: non-negative, and different photos give different embeddings.
      assert.ok(embedding.data.every((v) => v >= 0));
      assert.notDeepEqual(embedding.data.subarray(0, 1280), embedding.data.subarray(1280, 2560));
    }
    await session.release();
  });

  it('should mostly agree with the zoo MobileNetV2 on the ImageNet class of real photos', async () => {
    const zooSpec = await loadBackboneSpec('mobilenetv2-12-int8');
    const edge = await createOnnxSession(
      encodeModel(await resolveClassifierModel(spec, { mirrorDir, cacheDir })),
    );
    const zoo = await createOnnxSession(
      encodeModel(await resolveClassifierModel(zooSpec, { mirrorDir, cacheDir })),
    );
    const images = await photos(11);
    const a = (await edge.run(await batchOf(images, spec, 224), [11, 3, 224, 224])).logits!;
    const b = (await zoo.run(await batchOf(images, zooSpec, 224), [11, 3, 224, 224])).logits!;
    assert.deepEqual(a.dims, [11, 1001]);
    let agree = 0;
    // EdgeTPU's class 0 is "background", so its ImageNet class k is the zoo's k − 1.
    for (let i = 0; i < 11; i++) {
      const zooTop5 = topK(b.data.subarray(i * 1000, (i + 1) * 1000), 5);
      if (zooTop5.includes(argmax(a.data, i * 1001, 1001) - 1)) agree++;
    }
    // Two different ImageNet networks on food photos (not ImageNet's own): a broken conversion scores ~0.
    assert.ok(agree >= 7, `EdgeTPU's top-1 was in the zoo's top-5 for ${agree} of 11 photos`);
    await Promise.all([edge.release(), zoo.release()]);
  });

  it('should reject truncated files as corrupt, naming what lies outside the file', () => {
    for (const length of [0, 7, 64, 4096, source.length >> 1, source.length - 1]) {
      assert.throws(
        () => convertTfliteToOnnx(source.subarray(0, length)),
        (error: unknown) =>
          error instanceof TfliteFormatError &&
          error.code === 'GG_ERR_TFLITE_CORRUPT' &&
          /not a readable TensorFlow Lite model/.test(error.message),
        `truncated to ${length} bytes`,
      );
    }
  });

  it('should reject a file that is not TensorFlow Lite', async () => {
    const onnx = await readFile(join(mirrorDir!, 'mobilenetv2-12-int8.onnx'));
    assert.throws(() => convertTfliteToOnnx(onnx), /file identifier is not TFL3/);
  });

  it('should report a damaged mirror copy by its hash, and a described-but-broken file as corrupt', async () => {
    const truncated = source.subarray(0, source.length - 1000);
    const brokenMirror = await mkdtemp(join(tmpdir(), 'gg-tflite-mirror-'));
    await writeFile(join(brokenMirror, spec.file), truncated);
    const store = { mirrorDir: brokenMirror, cacheDir: await mkdtemp(join(tmpdir(), 'gg-tflite-cache-')) };
    await assert.rejects(loadBackboneGraph(spec, store), BackboneIntegrityError);
    const described: BackboneSpec = {
      ...spec,
      sha256: createHash('sha256').update(truncated).digest('hex'),
      bytes: truncated.length,
    };
    await assert.rejects(loadBackboneGraph(described, store), { code: 'GG_ERR_TFLITE_CORRUPT' });
  });
});
