import assert from 'node:assert/strict';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { projectPath } from '../../src/core/index.js';
import {
  type BackboneSpec,
  createOnnxSession,
  encodeModel,
  loadBackboneSpec,
  preprocessFor,
  resolveClassifierModel,
  resolveEmbeddingModel,
} from '../../src/models/index.js';
import { imageToTensor } from '../../src/vision/index.js';
import { twoToneJpeg } from '../fixtures/images.js';

const mirrorDir = process.env.GOURMETGRAM_MODEL_MIRROR;

describe('backbone descriptions', { skip: mirrorDir ? false : 'GOURMETGRAM_MODEL_MIRROR is not set' }, () => {
  let specs: BackboneSpec[];
  let cacheDir: string;
  before(async () => {
    const files = (await readdir(projectPath('models', 'backbones'))).filter((f) => f.endsWith('.json'));
    specs = await Promise.all(files.map((f) => loadBackboneSpec(f.replace(/\.json$/, ''))));
    cacheDir = join(
      process.env.GOURMETGRAM_CACHE ?? (await mkdtemp(join(tmpdir(), 'gg-backbones-'))),
      'backbones',
    );
  });

  it('should give every backbone an embedding and a classifier of the widths its description states', async () => {
    assert.ok(specs.length >= 3);
    for (const spec of specs) {
      const store = { mirrorDir, cacheDir };
      const size = spec.input.size;
      const plane = 3 * size * size;
      const batch = new Float32Array(2 * plane);
      for (const i of [0, 1])
        batch.set(
          (await imageToTensor(await twoToneJpeg(300 + 40 * i, 200), preprocessFor(spec))).tensor,
          i * plane,
        );
      const embedder = await createOnnxSession(
        encodeModel(await resolveEmbeddingModel(spec, store, { flipTta: false })),
      );
      const embedding = (await embedder.run(batch, [2, 3, size, size])).embedding!;
      assert.deepEqual(embedding.dims, [2, spec.embedding.width], spec.name);
      assert.ok(
        embedding.data.some((v) => v !== 0),
        spec.name,
      );
      await embedder.release();
      const classifier = await createOnnxSession(encodeModel(await resolveClassifierModel(spec, store)));
      const logits = (await classifier.run(batch, [2, 3, size, size])).logits!;
      assert.deepEqual(logits.dims, [2, spec.classifier!.width], spec.name);
      assert.ok(logits.data.every(Number.isFinite), spec.name);
      await classifier.release();
    }
  });

  it('should state a quantised input source that agrees with the normalisation', () => {
    for (const spec of specs.filter((s) => s.input.source)) {
      const { scale, zeroPoint } = spec.input.source!;
      // x = (p/255 − mean)/std must equal scale·(p − zeroPoint) for every pixel p.
      for (let c = 0; c < 3; c++) {
        assert.ok(Math.abs(spec.input.mean[c]! * 255 - zeroPoint) < 1e-9, spec.name);
        assert.ok(Math.abs(scale * spec.input.std[c]! * 255 - 1) < 1e-6, spec.name);
      }
    }
  });
});
