import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { food11Classes } from '../../src/data/index.js';
import {
  checkTritonConfig,
  type PbEnum,
  type PbMessage,
  parsePbtxt,
  readModelIo,
  renderTarget,
} from '../../src/deploy/index.js';
import {
  buildHeadModel,
  createOnnxSession,
  encodeModel,
  type HeadCard,
  loadBackboneSpec,
  saveHead,
} from '../../src/models/index.js';
import { parseRecipe } from '../../src/recipes/index.js';

const classes = [...food11Classes];

/** A small real head (random weights) saved as the store saves trained ones, so the test needs no training run. */
async function writeHead(root: string, name: string, inputSize: number): Promise<void> {
  const spec = await loadBackboneSpec('mobilenetv2-12-int8');
  const width = spec.embedding.width;
  const weight = Float32Array.from({ length: classes.length * width }, (_, i) => Math.sin(i) * 0.01);
  const model = buildHeadModel({
    layers: [{ inputs: width, outputs: classes.length, weight, bias: new Float32Array(classes.length) }],
  });
  const card: HeadCard = {
    name,
    version: 3,
    created: new Date(0).toISOString(),
    backbone: { name: spec.name, sha256: spec.sha256, precision: 'int8' },
    input_size: inputSize,
    flip_tta: false,
    classes,
    preprocessing: {
      resize: 'shorter-side',
      crop_fraction: 0.875,
      mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.224, 0.225],
      layout: 'NCHW',
    },
    hyper_parameters: {},
    search: [],
    data: { root: 'generated', layout: 'none', fingerprint: 'none', counts: {}, unreadable: 0 },
    validation: { n: 0, top1: 0, macro_f1: 0 },
    training_seconds: 0,
    parameters: weight.length + classes.length,
    sha256: 'test',
  };
  await saveHead(model, card, `# ${name}\n`, root);
  assert.ok(encodeModel(model).length > 0);
}

describe('Triton model repository', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gg-triton-'));
    await writeHead(join(dir, 'heads'), 'food11-tritontest', 192);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const noMirror = process.env.GOURMETGRAM_MODEL_MIRROR
    ? false
    : 'needs the backbone in GOURMETGRAM_MODEL_MIRROR';
  it('should write model.onnx and a config.pbtxt that matches the model and the recipe', {
    skip: noMirror,
  }, async () => {
    const recipe = parseRecipe(`
name: tritontest
description: triton rendering test
model: { backbone: mobilenetv2-12-int8, input_size: 192, head: food11-tritontest }
serving: { instances: 2, intra_op_threads: 1, max_batch_size: 16, preferred_batch_sizes: [4, 8], max_queue_delay_ms: 3, max_queue: 40, timeout_ms: 1500, graph_optimization: extended }
`);
    const out = join(dir, 'repository');
    const written = await renderTarget(recipe, 'triton', out, {
      image: 'unused',
      namespace: 'unused',
      prometheusUrl: 'unused',
      canaryTrafficPercent: 0,
      store: {
        mirrorDir: process.env.GOURMETGRAM_MODEL_MIRROR,
        cacheDir: join(dir, 'cache'),
        headsDir: join(dir, 'heads'),
      },
    });
    assert.deepEqual(
      written.map((p) => p.slice(out.length + 1)),
      ['food11-tritontest/3/model.onnx', 'food11-tritontest/config.pbtxt', 'food11-tritontest/labels.txt'],
    );
    const onnx = await readFile(join(out, 'food11-tritontest/3/model.onnx'));
    const io = readModelIo(onnx);
    const config = parsePbtxt(await readFile(join(out, 'food11-tritontest/config.pbtxt'), 'utf8'));
    assert.deepEqual(checkTritonConfig(config, io), []);
    const first = (m: PbMessage, f: string) => m[f]?.[0];
    assert.equal(first(config, 'platform'), 'onnxruntime_onnx');
    assert.equal(first(config, 'max_batch_size'), 16);
    const input = (config.input as PbMessage[])[0]!;
    assert.deepEqual(input.dims, [3, 192, 192]);
    const batching = first(config, 'dynamic_batching') as PbMessage;
    assert.deepEqual(batching.preferred_batch_size, [4, 8]);
    assert.deepEqual(batching.max_queue_delay_microseconds, [3000]);
    const policy = first(batching, 'default_queue_policy') as PbMessage;
    assert.deepEqual(policy.max_queue_size, [40]);
    assert.deepEqual(policy.default_timeout_microseconds, [1_500_000]);
    const group = (config.instance_group as PbMessage[])[0]!;
    assert.deepEqual(group.count, [2]);
    assert.equal((first(group, 'kind') as PbEnum).name, 'KIND_CPU');
    assert.equal(
      (await readFile(join(out, 'food11-tritontest/labels.txt'), 'utf8')).trim().split('\n').length,
      11,
    );

    // The config's shapes are the ones ONNX Runtime really produces for a batch of that input.
    const session = await createOnnxSession(onnx);
    try {
      const dims = [2, ...(input.dims as number[])];
      const outputs = await session.run(new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);
      for (const declared of config.output as PbMessage[]) {
        const real = outputs[first(declared, 'name') as string];
        assert.ok(real, `ONNX Runtime gave no ${String(first(declared, 'name'))}`);
        assert.deepEqual(real.dims, [2, ...(declared.dims as number[])]);
      }
    } finally {
      await session.release();
    }
  });

  it('should find a config that contradicts the model', () => {
    const io = {
      inputs: [{ name: 'image', dataType: 'TYPE_FP32', dims: ['batch', 3, 'h', 'w'] }],
      outputs: [{ name: 'probabilities', dataType: 'TYPE_FP32', dims: ['batch', 11] }],
    };
    const wrong = parsePbtxt(`platform: "onnxruntime_onnx" max_batch_size: 4
input [ { name: "image" data_type: TYPE_FP16 dims: [ 3, 224, 224 ] } ]
output [ { name: "probabilities" data_type: TYPE_FP32 dims: [ 12 ] } ]
dynamic_batching { preferred_batch_size: [ 8 ] }
instance_group [ { count: 1 kind: KIND_GPU } ]`);
    const problems = checkTritonConfig(wrong, io);
    assert.ok(problems.some((p) => p.includes('TYPE_FP16')));
    assert.ok(problems.some((p) => p.includes("output 'probabilities' dim 0 is 12")));
    assert.ok(problems.some((p) => p.includes('preferred_batch_size 8')));
    assert.ok(problems.some((p) => p.includes('KIND_GPU')));
  });
});
