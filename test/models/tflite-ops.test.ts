import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '../../src/core/index.js';
import {
  convertTfliteToOnnx,
  createOnnxSession,
  encodeModel,
  TfliteUnsupportedError,
} from '../../src/models/index.js';
import { buildTflite, bytesOf } from '../fixtures/tflite-builder.js';

/**
 * Each operator mapping against a direct re-implementation of TFLite's quantised semantics in float64
 * (dequantise, compute, round half away from zero, clamp to the type and the fused activation). ONNX
 * Runtime rounds half to even and computes in float32, so a code may differ by one; no more.
 */
const random = seededRandom(12);
const ints = (n: number, lo: number, hi: number) =>
  Array.from({ length: n }, () => lo + Math.floor(random() * (hi - lo + 1)));
const roundAway = (x: number) => Math.sign(x) * Math.round(Math.abs(x));
const [ADD, AVERAGE_POOL_2D, CONV_2D, DEPTHWISE_CONV_2D, MAX_POOL_2D, RESHAPE, SOFTMAX] = [
  0, 1, 3, 4, 17, 22, 25,
];
const RELU = 1;
const RELU_N1_TO_1 = 2;
const RELU6 = 3;

interface Q {
  s: number[];
  z: number;
}
function quantise(
  real: number,
  q: Q,
  [lo, hi]: [number, number],
  act: [number, number] = [-1e9, 1e9],
): number {
  const s = q.s[0]!;
  const min = Math.max(lo, q.z + roundAway(act[0] / s));
  const max = Math.min(hi, q.z + roundAway(act[1] / s));
  return Math.min(max, Math.max(min, roundAway(real / s) + q.z));
}

/** NHWC convolution of real values; depthwise when `multiplier` is given (filter [1,kh,kw,C·M]). */
function conv(
  x: number[],
  [h, w, c]: number[],
  filter: (o: number, ky: number, kx: number, i: number) => number,
  [outC, k, stride]: number[],
  bias: (o: number) => number,
  multiplier?: number,
): { values: number[]; shape: number[] } {
  const [oh, ow] = [Math.ceil(h! / stride!), Math.ceil(w! / stride!)];
  const padTop = Math.floor(Math.max((oh - 1) * stride! + k! - h!, 0) / 2);
  const padLeft = Math.floor(Math.max((ow - 1) * stride! + k! - w!, 0) / 2);
  const values: number[] = [];
  for (let y = 0; y < oh; y++)
    for (let xo = 0; xo < ow; xo++)
      for (let o = 0; o < outC!; o++) {
        let sum = bias(o);
        for (let ky = 0; ky < k!; ky++)
          for (let kx = 0; kx < k!; kx++) {
            const [iy, ix] = [y * stride! - padTop + ky, xo * stride! - padLeft + kx];
            if (iy < 0 || ix < 0 || iy >= h! || ix >= w!) continue;
            const at = (iy * w! + ix) * c!;
            if (multiplier) sum += x[at + Math.floor(o / multiplier)]! * filter(o, ky, kx, 0);
            else for (let i = 0; i < c!; i++) sum += x[at + i]! * filter(o, ky, kx, i);
          }
        values.push(sum);
      }
  return { values, shape: [oh, ow, outC!] };
}

async function run(model: Uint8Array, input: number[], q: Q, shape: number[]) {
  const session = await createOnnxSession(encodeModel(convertTfliteToOnnx(model)));
  const [h, w, c] = shape;
  const nchw = new Float32Array(input.length);
  for (let i = 0; i < h! * w!; i++)
    for (let ch = 0; ch < c!; ch++) nchw[ch * h! * w! + i] = (input[i * c! + ch]! - q.z) * q.s[0]!;
  const out = await session.run(nchw, [1, c!, h!, w!]);
  await session.release();
  return out;
}

function codesClose(actual: Float32Array, expected: number[], q: Q, what: string): void {
  assert.equal(actual.length, expected.length, what);
  let exact = 0;
  for (const [i, e] of expected.entries()) {
    const code = Math.round(actual[i]! / q.s[0]!) + q.z;
    assert.ok(Math.abs(code - e) <= 1, `${what}[${i}]: code ${code}, TFLite semantics give ${e}`);
    if (code === e) exact++;
  }
  assert.ok(exact / expected.length > 0.9, `${what}: only ${exact} of ${expected.length} codes equal`);
}

describe('TFLite operator mapping', () => {
  it('should convert an int8 per-channel CONV_2D with SAME stride-2 padding (odd pad at the end) and ReLU6', async () => {
    const inQ = { s: [0.05], z: -3 };
    const wScales = [0.01, 0.02, 0.015, 0.03];
    const outQ = { s: [0.06], z: -10 };
    const input = ints(6 * 6 * 2, -128, 127);
    const weights = ints(4 * 3 * 3 * 2, -127, 127);
    const bias = ints(4, -2000, 2000);
    const model = buildTflite({
      tensors: [
        { name: 'x', shape: [1, 6, 6, 2], type: 'int8', scale: inQ.s, zeroPoint: [inQ.z] },
        {
          name: 'w',
          shape: [4, 3, 3, 2],
          type: 'int8',
          data: bytesOf(weights, 'int8'),
          scale: wScales,
          zeroPoint: [0, 0, 0, 0],
          axis: 0,
        },
        {
          name: 'b',
          shape: [4],
          type: 'int32',
          data: bytesOf(bias, 'int32'),
          scale: wScales.map((s) => s * 0.05),
          zeroPoint: [0, 0, 0, 0],
        },
        { name: 'y', shape: [1, 3, 3, 4], type: 'int8', scale: outQ.s, zeroPoint: [outQ.z] },
      ],
      operators: [
        {
          op: CONV_2D,
          inputs: [0, 1, 2],
          outputs: [3],
          options: [
            { id: 0, int8: 0 },
            { id: 1, int32: 2 },
            { id: 2, int32: 2 },
            { id: 3, int8: RELU6 },
          ],
        },
      ],
      inputs: [0],
      outputs: [3],
    });
    const real = input.map((q) => (q - inQ.z) * inQ.s[0]!);
    const expected = conv(
      real,
      [6, 6, 2],
      (o, ky, kx, i) => weights[((o * 3 + ky) * 3 + kx) * 2 + i]! * wScales[o]!,
      [4, 3, 2],
      (o) => bias[o]! * wScales[o]! * 0.05,
    );
    const codes = expected.values.map((v) => quantise(v, outQ, [-128, 127], [0, 6]));
    const out = await run(model, input, inQ, [6, 6, 2]);
    assert.deepEqual(out.output!.dims, [1, 3, 3, 4]);
    codesClose(out.output!.data, codes, outQ, 'conv');
    assert.ok(
      codes.some((c) => c === outQ.z) && codes.some((c) => c === outQ.z + 100),
      'ReLU6 clamps on both sides',
    );
  });

  it('should convert uint8 DEPTHWISE_CONV_2D, CONV_2D, ADD, AVERAGE_POOL_2D, RESHAPE and SOFTMAX', async () => {
    const [h, w] = [5, 7];
    const xQ = { s: [0.02], z: 128 };
    const dQ = { s: [0.03], z: 5 };
    const cQ = { s: [0.04], z: 120 };
    const aQ = { s: [0.01], z: 128 };
    const sQ = { s: [1 / 256], z: 0 };
    const input = ints(h * w * 3, 0, 255);
    const dw = ints(3 * 3 * 6, 0, 255);
    const pw = ints(3 * 6, 0, 255);
    const dwS = 0.01;
    const pwS = 0.02;
    const u8 = (name: string, shape: number[], q: Q, data?: number[]) => ({
      name,
      shape,
      type: 'uint8' as const,
      scale: q.s,
      zeroPoint: [q.z],
      ...(data ? { data: bytesOf(data, 'uint8') } : {}),
    });
    const model = buildTflite({
      tensors: [
        u8('x', [1, h, w, 3], xQ),
        u8('dw', [1, 3, 3, 6], { s: [dwS], z: 130 }, dw),
        u8('d', [1, h, w, 6], dQ),
        u8('pw', [3, 1, 1, 6], { s: [pwS], z: 125 }, pw),
        u8('c', [1, h, w, 3], cQ),
        u8('a', [1, h, w, 3], aQ),
        u8('p', [1, 3, 4, 3], aQ),
        { name: 'shape', shape: [2], type: 'int32', data: bytesOf([1, 36], 'int32') },
        u8('r', [1, 36], aQ),
        u8('s', [1, 36], sQ),
      ],
      operators: [
        {
          op: DEPTHWISE_CONV_2D,
          inputs: [0, 1, -1],
          outputs: [2],
          options: [
            { id: 0, int8: 0 },
            { id: 1, int32: 1 },
            { id: 2, int32: 1 },
            { id: 3, int32: 2 },
            { id: 4, int8: RELU },
          ],
        },
        {
          op: CONV_2D,
          inputs: [2, 3, -1],
          outputs: [4],
          options: [
            { id: 0, int8: 1 },
            { id: 1, int32: 1 },
            { id: 2, int32: 1 },
            { id: 3, int8: 0 },
          ],
        },
        { op: ADD, inputs: [4, 0], outputs: [5], options: [{ id: 0, int8: RELU_N1_TO_1 }] },
        {
          op: AVERAGE_POOL_2D,
          inputs: [5],
          outputs: [6],
          options: [
            { id: 0, int8: 0 },
            { id: 1, int32: 2 },
            { id: 2, int32: 2 },
            { id: 3, int32: 3 },
            { id: 4, int32: 3 },
            { id: 5, int8: 0 },
          ],
        },
        { op: RESHAPE, inputs: [6, 7], outputs: [8] },
        { op: SOFTMAX, inputs: [8], outputs: [9], options: [{ id: 0, float32: 1 }] },
      ],
      inputs: [0],
      outputs: [6, 9],
    });
    const deq = (codes: number[], q: Q) => codes.map((c) => (c - q.z) * q.s[0]!);
    const x = deq(input, xQ);
    const d = conv(
      x,
      [h, w, 3],
      (o, ky, kx) => (dw[(ky * 3 + kx) * 6 + o]! - 130) * dwS,
      [6, 3, 1],
      () => 0,
      2,
    );
    const dCodes = d.values.map((v) => quantise(v, dQ, [0, 255], [0, 1e9]));
    const c = conv(
      deq(dCodes, dQ),
      [h, w, 6],
      (o, _y, _x, i) => (pw[o * 6 + i]! - 125) * pwS,
      [3, 1, 1],
      () => 0,
    );
    const cCodes = c.values.map((v) => quantise(v, cQ, [0, 255]));
    const aCodes = deq(cCodes, cQ).map((v, i) => quantise(v + x[i]!, aQ, [0, 255], [-1, 1]));
    const a = deq(aCodes, aQ);
    const pCodes: number[] = [];
    for (let y = 0; y < 3; y++)
      for (let xo = 0; xo < 4; xo++)
        for (let ch = 0; ch < 3; ch++) {
          // SAME 3×3 stride 2 on 5×7: one pad row/column at each side; the mean counts real pixels only.
          const cells = [];
          for (let iy = y * 2 - 1; iy <= y * 2 + 1; iy++)
            for (let ix = xo * 2 - 1; ix <= xo * 2 + 1; ix++)
              if (iy >= 0 && ix >= 0 && iy < h && ix < w) cells.push(a[(iy * w + ix) * 3 + ch]!);
          pCodes.push(quantise(cells.reduce((s, v) => s + v, 0) / cells.length, aQ, [0, 255]));
        }
    const logits = deq(pCodes, aQ);
    const max = Math.max(...logits);
    const exps = logits.map((v) => Math.exp(v - max));
    const sCodes = exps.map((e) => quantise(e / exps.reduce((s, v) => s + v, 0), sQ, [0, 255]));

    const out = await run(model, input, xQ, [h, w, 3]);
    assert.deepEqual(out.output_0!.dims, [1, 3, 4, 3]);
    codesClose(out.output_0!.data, pCodes, aQ, 'average pool');
    assert.deepEqual(out.output_1!.dims, [1, 36]);
    codesClose(out.output_1!.data, sCodes, sQ, 'softmax');
    assert.ok(
      aCodes.some((v) => v === 28) && aCodes.some((v) => v === 228),
      'RELU_N1_TO_1 clamps on both sides',
    );
  });

  it('should name every operator it cannot convert', () => {
    const t = (name: string) => ({ name, shape: [1, 4, 4, 1], type: 'float32' as const });
    const model = buildTflite({
      tensors: [t('x'), t('y'), t('z'), t('w')],
      operators: [
        { op: MAX_POOL_2D, inputs: [0], outputs: [1] },
        { op: 'MyCustomOp', inputs: [1], outputs: [2] },
        { op: MAX_POOL_2D, inputs: [2], outputs: [3] },
      ],
      inputs: [0],
      outputs: [3],
    });
    assert.throws(
      () => convertTfliteToOnnx(model),
      (error: unknown) =>
        error instanceof TfliteUnsupportedError &&
        error.code === 'GG_ERR_TFLITE_UNSUPPORTED' &&
        error.operators.join() === 'CUSTOM:MyCustomOp,MAX_POOL_2D' &&
        /CUSTOM:MyCustomOp, MAX_POOL_2D/.test(error.message),
    );
  });
});
