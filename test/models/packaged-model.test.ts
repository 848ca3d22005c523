import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { seededRandom } from '../../src/core/index.js';
import {
  type BackboneSpec,
  buildEmbeddingModel,
  buildHeadModel,
  createOnnxSession,
  encodeModel,
  type HeadWeights,
  loadBackboneSpec,
  packageModel,
  predictHead,
  preprocessFor,
  quantiseBank,
  resolveBackbone,
  tensorNames,
} from '../../src/models/index.js';
import { imageToTensor } from '../../src/vision/index.js';
import { twoToneJpeg } from '../fixtures/images.js';

const mirrorDir = process.env.GOURMETGRAM_MODEL_MIRROR;

describe('packaged model', { skip: mirrorDir ? false : 'GOURMETGRAM_MODEL_MIRROR is not set' }, () => {
  let spec: BackboneSpec;
  let backbone: Uint8Array;
  let head: HeadWeights;
  let batch: Float32Array;
  const size = 160;
  const dims = [3, 3, size, size];

  before(async () => {
    spec = await loadBackboneSpec('mobilenetv2-12-int8');
    const cacheDir = join(process.env.GOURMETGRAM_CACHE ?? '.cache', 'backbones');
    backbone = await readFile((await resolveBackbone(spec, { mirrorDir, cacheDir })).path);
    const random = seededRandom(3);
    const width = spec.embedding.width;
    const values = (n: number, offset = 0.5) => Float32Array.from({ length: n }, () => random() - offset);
    head = {
      layers: [
        { inputs: width, outputs: 16, weight: values(width * 16), bias: values(16, 0) },
        { inputs: 16, outputs: 11, weight: values(16 * 11), bias: new Float32Array(11) },
      ],
    };
    const preprocess = preprocessFor(spec, size);
    batch = new Float32Array(3 * 3 * size * size);
    const shapes = [
      [300, 200],
      [200, 300],
      [256, 256],
    ] as const;
    for (const [i, [w, h]] of shapes.entries())
      await imageToTensor(await twoToneJpeg(w, h), preprocess, { out: batch, offset: i * 3 * size * size });
  });

  it('should agree with the backbone embedding and the head computed separately', async () => {
    const classes = Array<string>(11).fill('c');
    const packaged = await createOnnxSession(
      encodeModel(
        packageModel(buildEmbeddingModel(backbone, spec, { flipTta: false }), buildHeadModel(head), {
          flipTta: false,
          classes,
          backbones: [spec],
        }),
      ),
    );
    const embedder = await createOnnxSession(
      encodeModel(buildEmbeddingModel(backbone, spec, { flipTta: false })),
    );
    const headOnly = await createOnnxSession(encodeModel(buildHeadModel(head)));
    const together = await packaged.run(batch, dims);
    const embedding = (await embedder.run(batch, dims))[tensorNames.embedding]!;
    assert.deepEqual(embedding.dims, [3, 1280]);
    const separateOnnx = (await headOnly.run(embedding.data, embedding.dims))[tensorNames.probabilities]!
      .data;
    const separateJs = predictHead(head, embedding.data, 1280);
    const probabilities = together[tensorNames.probabilities]!;
    assert.deepEqual(probabilities.dims, [3, 11]);
    const diffOnnx = maxAbsDiff(probabilities.data, separateOnnx);
    const diffJs = maxAbsDiff(probabilities.data, separateJs);
    const diffEmbedding = maxAbsDiff(together[tensorNames.embedding]!.data, embedding.data);
    console.log(
      `packaged vs separate: max |Δp| ONNX head ${diffOnnx.toExponential(2)}, JS head ${diffJs.toExponential(2)}; max |Δembedding| ${diffEmbedding}`,
    );
    assert.ok(diffOnnx < 1e-5 && diffJs < 1e-4 && diffEmbedding === 0);
    for (let i = 0; i < 3; i++) {
      const row = probabilities.data.subarray(i * 11, i * 11 + 11);
      assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5);
    }
  });

  it('should agree with the JS head within the int8 search step when a nearest-neighbour memory is blended in', async () => {
    const embedder = await createOnnxSession(
      encodeModel(buildEmbeddingModel(backbone, spec, { flipTta: false })),
    );
    const embedding = (await embedder.run(batch, dims))[tensorNames.embedding]!;
    const random = seededRandom(8);
    // A bank of the batch's own embeddings, jittered, plus random rows: similarities are high and varied.
    const rows = Float32Array.from({ length: 12 * 1280 }, (_, i) =>
      i < 3 * 1280 ? embedding.data[i]! + 0.05 * random() : 2 * random(),
    );
    const memory = {
      ...quantiseBank(rows),
      width: 1280,
      labels: Int32Array.from({ length: 12 }, (_, j) => j % 11),
      temperature: 0.05,
      weight: 0.4,
    };
    const withMemory = { ...head, memory, temperature: 1.7 };
    const packaged = await createOnnxSession(
      encodeModel(
        packageModel(buildEmbeddingModel(backbone, spec, { flipTta: false }), buildHeadModel(withMemory), {
          flipTta: false,
          classes: Array<string>(11).fill('c'),
          backbones: [spec],
        }),
      ),
    );
    const graph = (await packaged.run(batch, dims))[tensorNames.probabilities]!.data;
    const js = predictHead(withMemory, embedding.data, 1280);
    const plain = predictHead(head, embedding.data, 1280);
    const diff = maxAbsDiff(graph, js);
    console.log(
      `packaged with memory vs JS: max |Δp| ${diff.toExponential(2)}; memory moves p by ${maxAbsDiff(js, plain).toFixed(3)}`,
    );
    // The packaged memory search is int8 (memory-search.ts): probabilities move by up to ~0.02 (0.018 at most
    // on the 788 Food-11 test photos, top-1 unchanged), against 0.54 for the memory itself here.
    assert.ok(diff < 0.02);
    assert.ok(maxAbsDiff(js, plain) > 0.01, 'the memory changes the prediction');
  });

  it('should average the embeddings of the image and its mirror when flip TTA is on', async () => {
    const withFlip = await createOnnxSession(
      encodeModel(buildEmbeddingModel(backbone, spec, { flipTta: true })),
    );
    const plain = await createOnnxSession(
      encodeModel(buildEmbeddingModel(backbone, spec, { flipTta: false })),
    );
    const mirrored = new Float32Array(batch.length);
    for (let plane = 0; plane < 3 * 3; plane++)
      for (let y = 0; y < size; y++)
        for (let x = 0; x < size; x++)
          mirrored[(plane * size + y) * size + x] = batch[(plane * size + y) * size + (size - 1 - x)]!;
    const a = (await plain.run(batch, dims))[tensorNames.embedding]!.data;
    const b = (await plain.run(mirrored, dims))[tensorNames.embedding]!.data;
    const tta = (await withFlip.run(batch, dims))[tensorNames.embedding]!.data;
    const diff = maxAbsDiff(
      tta,
      a.map((v, i) => (v + b[i]!) / 2),
    );
    console.log(`flip TTA in graph vs computed apart: max |Δ| ${diff.toExponential(2)}`);
    assert.ok(diff < 1e-5);
    assert.ok(maxAbsDiff(a, b) > 1e-3, 'the two-tone test image is not mirror-symmetric');
  });

  it('should run at any input size once the spatial dims are symbolic', async () => {
    const session = await createOnnxSession(
      encodeModel(buildEmbeddingModel(backbone, spec, { flipTta: false })),
    );
    for (const s of [224, 288]) {
      const out = await session.run(new Float32Array(3 * s * s), [1, 3, s, s]);
      assert.deepEqual(out[tensorNames.embedding]!.dims, [1, 1280]);
    }
  });
});

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}
