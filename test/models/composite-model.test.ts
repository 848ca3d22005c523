import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import {
  type BackboneSpec,
  type BackboneUse,
  branchFront,
  branchModelKey,
  buildBranchModel,
  buildCompositeEmbeddingModel,
  buildEmbeddingModel,
  createOnnxSession,
  encodeModel,
  loadBackboneSpec,
  modelInputFor,
  preprocessFor,
  resolveBackbone,
  tensorNames,
} from '../../src/models/index.js';
import { imageToTensor, type PreprocessSpec } from '../../src/vision/index.js';
import { twoToneJpeg } from '../fixtures/images.js';

const mirrorDir = process.env.GOURMETGRAM_MODEL_MIRROR;

describe('several backbones in one graph', {
  skip: mirrorDir ? false : 'GOURMETGRAM_MODEL_MIRROR is not set',
}, () => {
  let zoo: BackboneSpec;
  let course: BackboneSpec;
  let files: Uint8Array[];
  let photos: Buffer[];

  before(async () => {
    zoo = await loadBackboneSpec('mobilenetv2-12-int8');
    course = await loadBackboneSpec('food11-mobilenetv2-int8');
    const cacheDir = join(process.env.GOURMETGRAM_CACHE ?? '.cache', 'backbones');
    files = await Promise.all(
      [zoo, course].map(async (spec) =>
        readFile((await resolveBackbone(spec, { mirrorDir, cacheDir })).path),
      ),
    );
    photos = await Promise.all([twoToneJpeg(300, 200), twoToneJpeg(200, 300)]);
  });

  const tensorOf = async (spec: PreprocessSpec) => {
    const length = 3 * spec.size * spec.size;
    const out = new Float32Array(photos.length * length);
    for (const [i, photo] of photos.entries()) await imageToTensor(photo, spec, { out, offset: i * length });
    return { data: out, dims: [photos.length, 3, spec.size, spec.size] };
  };

  it('should give each backbone, inside the composite, exactly the embedding its branch gives alone', async () => {
    // The zoo graph (opset 12) at 288 px beside the course's (opset 20) resized in-graph to 224, with flips.
    const uses: BackboneUse[] = [
      { spec: zoo, size: 288 },
      { spec: course, size: 224 },
    ];
    const input = modelInputFor(uses);
    assert.deepEqual(input, preprocessFor(zoo, 288));
    const image = await tensorOf(input);
    const composite = await createOnnxSession(
      encodeModel(buildCompositeEmbeddingModel(uses, files, { flipTta: true })),
    );
    const together = (await composite.run(image.data, image.dims))[tensorNames.embedding]!;
    assert.deepEqual(together.dims, [2, 2560]);
    for (const [b, use] of uses.entries()) {
      const front = branchFront(input, use);
      const branch = await createOnnxSession(
        encodeModel(buildBranchModel(files[b]!, use.spec, { flipTta: true, front })),
      );
      const alone = (await branch.run(image.data, image.dims))[tensorNames.embedding]!.data;
      let diff = 0;
      for (let row = 0; row < 2; row++)
        for (let k = 0; k < 1280; k++)
          diff = Math.max(diff, Math.abs(together.data[row * 2560 + b * 1280 + k]! - alone[row * 1280 + k]!));
      console.log(`${use.spec.name}@${use.size} in the composite vs alone: max |Δ| ${diff}`);
      assert.ok(diff < 1e-5);
      await branch.release();
    }
    await composite.release();
  });

  it('should resize in-graph to a side close to what the host resize gives', async () => {
    const uses: BackboneUse[] = [
      { spec: zoo, size: 288 },
      { spec: course, size: 224 },
    ];
    const input = modelInputFor(uses);
    const front = branchFront(input, uses[1]!);
    assert.deepEqual(front, { resizeTo: 224 });
    const inGraph = await createOnnxSession(
      encodeModel(buildBranchModel(files[1]!, course, { flipTta: false, front })),
    );
    const plain = await createOnnxSession(
      encodeModel(buildEmbeddingModel(files[1]!, course, { flipTta: false })),
    );
    const big = await tensorOf(input);
    const small = await tensorOf({ ...input, size: 224 });
    const a = (await inGraph.run(big.data, big.dims))[tensorNames.embedding]!.data;
    const b = (await plain.run(small.data, small.dims))[tensorNames.embedding]!.data;
    // The backbone fed the 288 px input as it is: what the branch would see without its resize.
    const unresized = (await plain.run(big.data, big.dims))[tensorNames.embedding]!.data;
    for (let row = 0; row < 2; row++) {
      const part = (x: Float32Array) => x.subarray(row * 1280, (row + 1) * 1280);
      const cos = cosine(part(a), part(b));
      const without = cosine(part(unresized), part(b));
      console.log(
        `photo ${row}: in-graph 288→224 resize vs host resize to 224, cosine ${cos.toFixed(4)}; without the resize ${without.toFixed(4)}`,
      );
      assert.ok(cos > 0.9 && cos > without);
    }
  });

  it('should map the input normalisation to a backbone that wants another one', async () => {
    const other: BackboneSpec = {
      ...course,
      input: { ...course.input, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
    };
    const input = preprocessFor(zoo, 224);
    const front = branchFront(input, { spec: other, size: 224 });
    assert.ok(front.affine && front.resizeTo === undefined);
    assert.notEqual(branchModelKey(other, 'int8', false, front), branchModelKey(other, 'int8', false, {}));
    const branch = await createOnnxSession(
      encodeModel(buildBranchModel(files[1]!, other, { flipTta: false, front })),
    );
    const plain = await createOnnxSession(
      encodeModel(buildEmbeddingModel(files[1]!, other, { flipTta: false })),
    );
    const asInput = await tensorOf(input);
    const asWanted = await tensorOf({ ...input, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] });
    const a = (await branch.run(asInput.data, asInput.dims))[tensorNames.embedding]!.data;
    const b = (await plain.run(asWanted.data, asWanted.dims))[tensorNames.embedding]!.data;
    const same = (await plain.run(asInput.data, asInput.dims))[tensorNames.embedding]!.data;
    console.log(
      `renormalised branch vs fed its own normalisation: cosine ${cosine(a, b).toFixed(5)}; unmapped ${cosine(same, b).toFixed(5)}`,
    );
    assert.ok(cosine(a, b) > 0.999);
    assert.ok(cosine(same, b) < cosine(a, b), 'the front changes what the backbone sees');
  });
});

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
  }
  return dot / Math.sqrt(na * nb);
}
