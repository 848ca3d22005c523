import sharp, { type Sharp } from 'sharp';
import { createOnnxSession, ModelGraphError, type OnnxSession, type PackagedModel } from '../models/index.js';
import { imageToTensor, type PreprocessSpec, tensorLength } from '../vision/index.js';
import { argmax } from './metrics.js';

/** A change to a photo that should (invariance) or might (hard case) leave its class alone. */
export type Transform = (bytes: Uint8Array) => Promise<Uint8Array>;

const jpeg = (image: Sharp, quality = 90): Promise<Buffer> => image.jpeg({ quality }).toBuffer();
const oriented = (bytes: Uint8Array): Sharp => sharp(bytes).rotate();

/**
 * The transforms of the behavioural suites, by name. Invariances: flip, ±20 % brightness, JPEG quality 50.
 * Hard cases ("looks like"): grey-scale, a quarter turn, a tight centre crop, a thumbnail blown up again.
 */
export const transforms = Object.freeze({
  flip: (bytes) => jpeg(oriented(bytes).flop()),
  darker: (bytes) => jpeg(oriented(bytes).modulate({ brightness: 0.8 })),
  brighter: (bytes) => jpeg(oriented(bytes).modulate({ brightness: 1.2 })),
  jpeg_q50: (bytes) => jpeg(oriented(bytes), 50),
  greyscale: (bytes) => jpeg(oriented(bytes).greyscale()),
  rotate_90: (bytes) => jpeg(oriented(bytes).rotate(90)),
  centre_crop_50: async (bytes) => {
    const { data, info } = await oriented(bytes).toBuffer({ resolveWithObject: true });
    const [w, h] = [Math.round(info.width / 2), Math.round(info.height / 2)];
    return jpeg(
      sharp(data).extract({ left: (info.width - w) >> 1, top: (info.height - h) >> 1, width: w, height: h }),
    );
  },
  upscaled_64px: async (bytes) => {
    const small = await oriented(bytes).resize(64, 64, { fit: 'inside' }).png().toBuffer();
    return jpeg(sharp(small).resize(448, 448, { fit: 'inside', kernel: 'cubic' }));
  },
} satisfies Record<string, Transform>);

export type TransformName = keyof typeof transforms;

/** Share of rows (row-major n × classes) whose top class is the same in both: 1 = fully invariant. */
export function agreement(a: Float32Array, b: Float32Array, classes: number): number {
  const n = a.length / classes;
  if (n !== b.length / classes) throw new Error(`bug: comparing ${n} predictions with ${b.length / classes}`);
  let same = 0;
  for (let i = 0; i < n; i++) if (argmax(a, i * classes, classes) === argmax(b, i * classes, classes)) same++;
  return n === 0 ? 1 : same / n;
}

/** Top-1 of the rows whose label is each class (NaN where a class has no rows). */
export function perClassTop1(
  probabilities: Float32Array,
  labels: ArrayLike<number>,
  classes: number,
): number[] {
  const correct = new Array<number>(classes).fill(0);
  const total = new Array<number>(classes).fill(0);
  for (let i = 0; i < labels.length; i++) {
    total[labels[i]!]!++;
    if (argmax(probabilities, i * classes, classes) === labels[i]) correct[labels[i]!]!++;
  }
  return total.map((t, c) => (t === 0 ? Number.NaN : correct[c]! / t));
}

/**
 * A packaged model in this process for batch scoring of encoded images: the suites and the error analysis
 * score through this, with the same preprocessing the server uses.
 */
export class BatchScorer {
  private constructor(
    private readonly session: OnnxSession,
    readonly preprocess: PreprocessSpec,
    readonly classes: readonly string[],
  ) {}

  static async open(model: PackagedModel, intraOpThreads = 2): Promise<BatchScorer> {
    const session = await createOnnxSession(model.path, { intraOpThreads, graphOptimizationLevel: 'all' });
    return new BatchScorer(session, model.preprocess, model.classes);
  }

  /** Probabilities, row-major n × classes, for encoded images. */
  async score(images: readonly Uint8Array[], batchSize = 16): Promise<Float32Array> {
    const k = this.classes.length;
    const length = tensorLength(this.preprocess);
    const out = new Float32Array(images.length * k);
    for (let start = 0; start < images.length; start += batchSize) {
      const batch = images.slice(start, start + batchSize);
      const input = new Float32Array(batch.length * length);
      await Promise.all(
        batch.map((bytes, i) => imageToTensor(bytes, this.preprocess, { out: input, offset: i * length })),
      );
      const size = this.preprocess.size;
      const result = await this.session.run(input, [batch.length, 3, size, size]);
      const probabilities = result.probabilities;
      if (!probabilities) throw new ModelGraphError('packaged model has no probabilities output');
      out.set(probabilities.data.subarray(0, batch.length * k), start * k);
    }
    return out;
  }

  close(): Promise<void> {
    return this.session.release();
  }
}
