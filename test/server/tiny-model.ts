/**
 * A tiny real ONNX model with the packaged model's interface, for tests that must not wait for trained
 * heads: `image` [N,3,S,S] → mean colour `embedding` [N,3] → `probabilities` [N,11]. Mostly red photos come
 * out as class 0, green as 1, blue as 2, so tests can check that results reach the right request.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { food11Classes } from '../../src/data/index.js';
import type { ModelSource } from '../../src/inference/index.js';
import {
  encodeModel,
  floatTensor,
  int64Tensor,
  newModel,
  node,
  valueInfo,
} from '../../src/models/onnx-graph.js';

export const tinySize = 32;

export function tinyModelBytes(): Uint8Array {
  const weights = new Float32Array(3 * 11);
  for (let channel = 0; channel < 3; channel++) weights[channel * 11 + channel] = 4;
  const graph = {
    name: 'tiny',
    input: [valueInfo('image', ['batch', 3, tinySize, tinySize])],
    output: [valueInfo('probabilities', ['batch', 11]), valueInfo('embedding', ['batch', 3])],
    initializer: [floatTensor('weights', [3, 11], weights), int64Tensor('flat', [0, 3])],
    node: [
      node('GlobalAveragePool', ['image'], ['pooled']),
      node('Reshape', ['pooled', 'flat'], ['embedding']),
      node('MatMul', ['embedding', 'weights'], ['logits']),
      node('Softmax', ['logits'], ['probabilities'], { axis: 1 }),
    ],
  };
  return encodeModel(newModel(graph, 13));
}

/** Writes the tiny model into a fresh folder (or `dir`) and describes it. */
export async function writeTinyModel(dir?: string, version = 1): Promise<ModelSource> {
  const folder = dir ?? (await mkdtemp(join(tmpdir(), 'gg-tiny-')));
  await mkdir(folder, { recursive: true });
  const path = join(folder, 'model.onnx');
  await writeFile(path, tinyModelBytes());
  return {
    name: 'tiny',
    version,
    path,
    classes: food11Classes,
    preprocess: {
      size: tinySize,
      cropFraction: 0.875,
      mean: [0.485, 0.456, 0.406],
      std: [0.229, 0.224, 0.225],
    },
  };
}

/** A solid-colour JPEG (or PNG) photo made with sharp. */
export function colourPhoto(
  colour: 'red' | 'green' | 'blue',
  format: 'jpeg' | 'png' = 'jpeg',
  side = 64,
): Promise<Buffer> {
  const rgb = {
    red: { r: 230, g: 20, b: 20 },
    green: { r: 20, g: 230, b: 20 },
    blue: { r: 20, g: 20, b: 230 },
  }[colour];
  return sharp({ create: { width: side, height: side, channels: 3, background: rgb } })
    .toFormat(format)
    .toBuffer();
}
