import { createOnnxSession, type PackagedModel } from '../models/index.js';
import { type DecodeOptions, imageToPixels, tensorLength, writeNormalisedChw } from '../vision/index.js';
import { type FloorStage, perPhoto } from './floor-timing.js';

/**
 * The served path for each photo back to back in one thread, as a worker runs it: the served sharp pipeline,
 * normalisation, the packaged model at batch 1. Its total exceeds the stages measured alone (11.3 against
 * 10.1 ms, results/floor.json) by what they cost each other through the shared caches; on one thread, and on
 * two for the model as a lone photo's session runs it (spinning only while it runs).
 */
export async function measureServedPath(
  packaged: PackagedModel,
  bytes: readonly Uint8Array[],
  rounds: number,
  decode: DecodeOptions,
): Promise<FloorStage[]> {
  const spec = packaged.preprocess;
  const dims = [1, 3, spec.size, spec.size];
  const tensor = new Float32Array(tensorLength(spec));
  const stages: FloorStage[] = [];
  for (const threads of [1, 2]) {
    const session = await createOnnxSession(packaged.path, {
      intraOpThreads: threads,
      graphOptimizationLevel: 'all',
      stopSpinningAfterRun: threads > 1,
    });
    try {
      const label = threads === 1 ? '1 thread' : `${threads} threads (lone session)`;
      stages.push(
        await perPhoto(`served path back to back, model on ${label}`, rounds, bytes, async (photo) => {
          const { pixels } = await imageToPixels(photo, spec, decode);
          writeNormalisedChw(pixels, spec, tensor, 0);
          await session.run(tensor, dims);
        }),
      );
    } finally {
      await session.release();
    }
  }
  return stages;
}
