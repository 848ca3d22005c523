import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normal, seededRandom } from '../core/index.js';
import { buildHeadModel } from './head-model.js';
import { quantiseBankRows, withIntegerMemorySearch } from './memory-search.js';
import { quantiseBank, unitRows } from './neighbour-memory.js';
import { decodeModel, encodeModel } from './onnx-graph.js';
import { createOnnxSession } from './onnx-runtime.js';

const width = 64;
const classes = 4;
const size = 200;

function features(n: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  // Non-negative like a ReLU6 backbone's pooled features.
  return Float32Array.from({ length: n * width }, () => Math.abs(normal(random)));
}

function memoryHead() {
  const random = seededRandom(3);
  const bank = quantiseBank(features(size, 1));
  return buildHeadModel({
    layers: [
      {
        inputs: width,
        outputs: classes,
        weight: Float32Array.from({ length: width * classes }, () => 0.1 * normal(random)),
        bias: new Float32Array(classes),
      },
    ],
    memory: {
      ...bank,
      width,
      labels: Int32Array.from({ length: size }, (_, i) => i % classes),
      temperature: 0.05,
      weight: 0.5,
    },
  });
}

describe('integer memory search', () => {
  it('should keep each bank row within one code step of the unit row', () => {
    const unit = unitRows(features(10, 5), width);
    const bank = quantiseBankRows(unit, width);
    for (let j = 0; j < 10; j++)
      for (let k = 0; k < width; k++)
        assert.ok(
          Math.abs(bank.codesT[k * 10 + j]! * bank.scales[j]! - unit[j * width + k]!) <= bank.scales[j]!,
        );
  });

  it('should give the float head probabilities within 0.01 with an int8 bank', async () => {
    const bytes = encodeModel(memoryHead());
    const rewrittenModel = withIntegerMemorySearch(decodeModel(bytes));
    const ops = rewrittenModel.graph!.node!.map((n) => n.opType);
    assert.ok(ops.includes('MatMulInteger'));
    assert.equal(ops.filter((op) => op === 'LpNormalization').length, 1, 'the bank is normalised once, here');
    assert.equal(ops.filter((op) => op === 'Gemm').length, 1, 'only the dense layer stays a Gemm');
    const rewritten = encodeModel(rewrittenModel);
    const floatSession = await createOnnxSession(bytes);
    const intSession = await createOnnxSession(rewritten);
    const queries = features(8, 9);
    const expected = (await floatSession.run(queries, [8, width])).probabilities!.data;
    const actual = (await intSession.run(queries, [8, width])).probabilities!.data;
    for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(expected[i]! - actual[i]!) < 0.01);
    await floatSession.release();
    await intSession.release();
  });

  it('should leave a head without memory as it is', () => {
    const head = buildHeadModel({
      layers: [{ inputs: 2, outputs: 2, weight: new Float32Array(4), bias: new Float32Array(2) }],
    });
    const before = encodeModel(head);
    assert.deepEqual(encodeModel(withIntegerMemorySearch(head)), before);
  });
});
