import { normal, seededRandom } from '../core/index.js';

/**
 * A fixed Gaussian random projection (Johnson–Lindenstrauss): `inputWidth` → `dims`, entries N(0, 1/dims),
 * drawn from `seed`. The seed is stored with the model version's reference, so production rows and the
 * reference always share one matrix; 32 dimensions keep pairwise distances within ~25 % for the MMD's kernel.
 */
export class RandomProjection {
  private readonly matrix: Float32Array;

  constructor(
    readonly seed: number,
    readonly inputWidth: number,
    readonly dims: number,
  ) {
    const random = seededRandom(seed);
    const scale = 1 / Math.sqrt(dims);
    this.matrix = new Float32Array(inputWidth * dims);
    for (let i = 0; i < this.matrix.length; i++) this.matrix[i] = normal(random) * scale;
  }

  project(embedding: ArrayLike<number>): number[] {
    if (embedding.length !== this.inputWidth)
      throw new Error(`embedding has ${embedding.length} values; the projection takes ${this.inputWidth}`);
    const out = new Array<number>(this.dims).fill(0);
    for (let i = 0; i < this.inputWidth; i++) {
      const v = embedding[i]!;
      if (v === 0) continue;
      const row = i * this.dims;
      for (let d = 0; d < this.dims; d++) out[d] = out[d]! + v * this.matrix[row + d]!;
    }
    // Four significant decimals: a log line stays ~250 bytes and no test moves at that precision.
    return out.map((v) => Math.round(v * 1e4) / 1e4);
  }
}
