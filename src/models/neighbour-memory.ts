/**
 * A nearest-neighbour memory beside the softmax head: labelled embeddings of training photos, compared by
 * cosine similarity, turned into class probabilities by a softmax over similarities / temperature (a soft
 * k-NN), and blended with the head's probabilities. Pure functions; the ONNX form is in head-model.ts.
 */
export interface NeighbourMemory {
  /** Quantised bank, M × width, uint8 with one scale and zero point (as stored in the graph). */
  readonly bank: Uint8Array;
  readonly scale: number;
  readonly zeroPoint: number;
  readonly width: number;
  readonly labels: Int32Array;
  readonly temperature: number;
  /** Share of the memory in the blend: p = (1 − weight) · head + weight · memory. */
  readonly weight: number;
}

/** Linear uint8 quantisation of the bank (4× smaller than float32; cosine similarities move by < 1e-3). */
export function quantiseBank(bank: Float32Array): { bank: Uint8Array; scale: number; zeroPoint: number } {
  let min = 0;
  let max = 0;
  for (const v of bank) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const scale = max > min ? (max - min) / 255 : 1;
  const zeroPoint = Math.min(255, Math.max(0, Math.round(-min / scale)));
  const q = new Uint8Array(bank.length);
  for (let i = 0; i < bank.length; i++)
    q[i] = Math.min(255, Math.max(0, Math.round(bank[i]! / scale) + zeroPoint));
  return { bank: q, scale, zeroPoint };
}

/** Rows scaled to unit L2 norm (zero rows stay zero). */
export function unitRows(values: Float32Array, width: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let row = 0; row < values.length; row += width) {
    let sum = 0;
    for (let k = 0; k < width; k++) sum += values[row + k]! ** 2;
    const inv = sum > 0 ? 1 / Math.sqrt(sum) : 0;
    for (let k = 0; k < width; k++) out[row + k] = values[row + k]! * inv;
  }
  return out;
}

/** The dequantised, unit-norm bank: what the graph compares against. */
export function memoryBankUnit(
  memory: Pick<NeighbourMemory, 'bank' | 'scale' | 'zeroPoint' | 'width'>,
): Float32Array {
  const bank = new Float32Array(memory.bank.length);
  for (let i = 0; i < bank.length; i++) bank[i] = (memory.bank[i]! - memory.zeroPoint) * memory.scale;
  return unitRows(bank, memory.width);
}

/** Cosine similarities of each query row to each bank row: Q × M, row-major. Both inputs unit-norm. */
export function cosineSimilarities(
  queryUnit: Float32Array,
  bankUnit: Float32Array,
  width: number,
): Float32Array {
  const q = queryUnit.length / width;
  const m = bankUnit.length / width;
  const out = new Float32Array(q * m);
  for (let i = 0; i < q; i++) {
    const qi = i * width;
    for (let j = 0; j < m; j++) {
      const bj = j * width;
      let sum = 0;
      for (let k = 0; k < width; k++) sum += queryUnit[qi + k]! * bankUnit[bj + k]!;
      out[i * m + j] = sum;
    }
  }
  return out;
}

/** Soft k-NN class probabilities from similarities: softmax over the bank of sim / temperature, summed by label. */
export function memoryProbabilities(
  similarities: Float32Array,
  labels: Int32Array,
  classes: number,
  temperature: number,
): Float32Array {
  const m = labels.length;
  const q = similarities.length / m;
  const out = new Float32Array(q * classes);
  for (let i = 0; i < q; i++) {
    let max = -Infinity;
    for (let j = 0; j < m; j++) max = Math.max(max, similarities[i * m + j]!);
    let total = 0;
    for (let j = 0; j < m; j++) {
      const e = Math.exp((similarities[i * m + j]! - max) / temperature);
      total += e;
      out[i * classes + labels[j]!]! += e;
    }
    for (let c = 0; c < classes; c++) out[i * classes + c]! /= total;
  }
  return out;
}

/** (1 − weight) · head + weight · memory, element-wise. */
export function blend(head: Float32Array, memory: Float32Array, weight: number): Float32Array {
  return head.map((v, i) => (1 - weight) * v + weight * memory[i]!);
}
