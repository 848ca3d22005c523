import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  buildEmbeddingModel,
  EmbeddingCache,
  encodeModel,
  extractWithModel,
  loadBackboneSpec,
  preprocessFor,
  resolveBackbone,
} from '../../models/index.js';

export interface EmbedFilesOptions {
  readonly backbone: string;
  readonly mirrorDir?: string | undefined;
  readonly cacheDir: string;
  readonly inputSize?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Centre-crop backbone embeddings of image files (no head, no flip), cached on disk. `undefined` where a
 * file could not be read.
 */
export async function embedFiles(
  paths: readonly string[],
  options: EmbedFilesOptions,
): Promise<{ embeddings: (Float32Array | undefined)[]; width: number }> {
  const spec = await loadBackboneSpec(options.backbone);
  const backbone = await resolveBackbone(spec, {
    mirrorDir: options.mirrorDir,
    cacheDir: join(options.cacheDir, 'backbones'),
  });
  const model = encodeModel(buildEmbeddingModel(await readFile(backbone.path), spec, { flipTta: false }));
  const preprocess = preprocessFor(spec, options.inputSize);
  const result = await extractWithModel(model, paths, {
    threads: 2,
    modelKey: createHash('sha256').update(spec.sha256).update('embedding:centre:no-flip').digest('hex'),
    width: spec.embedding.width,
    preprocess,
    cache: new EmbeddingCache(join(options.cacheDir, 'embeddings')),
    batchSize: 16,
    onProgress: options.onProgress,
  });
  return { embeddings: result.embeddings.map((views) => views[0]), width: spec.embedding.width };
}
