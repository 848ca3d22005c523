import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../core/index.js';
import type { DatasetItem } from '../data/index.js';
import {
  type BackboneUse,
  branchFront,
  branchModelKey,
  buildBranchModel,
  createOnnxSession,
  EmbeddingCache,
  embeddingWidthOf,
  encodeModel,
  extractEmbeddings,
  loadBackboneUses,
  type ModelStoreOptions,
  modelInputFor,
  type OnnxSession,
  readBackboneFiles,
} from '../models/index.js';
import type { ModelConfig } from '../recipes/index.js';
import { randomView } from '../vision/index.js';

export interface EmbeddedItems {
  /** Per item, one embedding per view (centre first), every backbone's concatenated; empty where unreadable. */
  readonly embeddings: Float32Array[][];
  readonly unreadable: number;
}

/** Embeds photos the way a recipe's packaged model does, one backbone at a time, through the shared cache. */
export interface RecipeEmbedder {
  readonly uses: readonly BackboneUse[];
  /** Width of the concatenated embedding the head reads. */
  readonly width: number;
  /** `views` seeded random resized crops per photo besides its centre crop (the same for every backbone). */
  embed(stage: string, items: readonly DatasetItem[], views: number): Promise<EmbeddedItems>;
  /** Releases every ONNX Runtime session; call it in a `finally`. */
  release(): Promise<void>;
}

export interface EmbedderOptions {
  readonly store: ModelStoreOptions;
  readonly seed: number;
  readonly onProgress?: (stage: string, done: number, total: number) => void;
  readonly log?: (line: string) => void;
}

/**
 * Opens one embedding session per backbone: its branch of the packaged graph (front, graph, flip averaging),
 * so the numbers match serving exactly, while the cache keeps each backbone's embeddings apart (a new
 * combination reuses the embeddings of backbones already seen).
 */
export async function openRecipeEmbedder(
  model: ModelConfig,
  options: EmbedderOptions,
): Promise<RecipeEmbedder> {
  const uses = await loadBackboneUses(model);
  const files = await readBackboneFiles(uses, model.precision, options.store);
  const input = modelInputFor(uses);
  const cache = new EmbeddingCache(join(options.store.cacheDir, 'embeddings'));
  const sessions: OnnxSession[] = [];
  try {
    for (const [i, use] of uses.entries()) {
      const front = branchFront(input, use);
      const graph = buildBranchModel(files[i]!, use.spec, { flipTta: model.tta.flip, front });
      sessions.push(
        await createOnnxSession(encodeModel(graph), {
          intraOpThreads: availableParallelism(),
          graphOptimizationLevel: 'all',
        }),
      );
    }
  } catch (error) {
    await Promise.all(sessions.map((s) => s.release()));
    throw error;
  }
  const keys = uses.map((use) =>
    branchModelKey(use.spec, model.precision, model.tta.flip, branchFront(input, use)),
  );
  const log = options.log ?? (() => {});
  const embed = async (
    stage: string,
    items: readonly DatasetItem[],
    views: number,
  ): Promise<EmbeddedItems> => {
    const parts: Float32Array[][][] = [];
    const failed = new Set<number>();
    for (const [b, use] of uses.entries()) {
      const result = await extractEmbeddings(
        items.map((i) => i.path),
        {
          session: sessions[b]!,
          modelKey: keys[b]!,
          width: use.spec.embedding.width,
          preprocess: input,
          cache,
          viewsFor: views > 0 ? trainingViews(options.seed, items, views) : undefined,
          onProgress: (done, total) =>
            options.onProgress?.(uses.length > 1 ? `${stage} (${use.spec.name})` : stage, done, total),
        },
      );
      for (const failure of result.failures) log(`skipped unreadable ${failure.path}: ${failure.reason}`);
      result.embeddings.forEach((list, i) => {
        if (list.length === 0) failed.add(i);
      });
      parts.push(result.embeddings);
    }
    const embeddings = items.map((_, i) => (failed.has(i) ? [] : concatViews(parts.map((p) => p[i]!))));
    return { embeddings, unreadable: failed.size };
  };
  return {
    uses,
    width: embeddingWidthOf(uses),
    embed,
    release: async () => {
      await Promise.all(sessions.map((s) => s.release()));
    },
  };
}

/** The centre crop plus `views` random resized crops per photo, seeded by the photo's file name. */
function trainingViews(seed: number, items: readonly DatasetItem[], views: number) {
  return (index: number, width: number, height: number) => {
    const random = seededRandom(hash32(`${seed}:${items[index]!.file}`));
    return [undefined, ...Array.from({ length: views }, () => randomView(width, height, random))];
  };
}

/** Per view, the backbones' embeddings side by side. */
function concatViews(perBackbone: readonly Float32Array[][]): Float32Array[] {
  if (perBackbone.length === 1) return perBackbone[0]!;
  const width = perBackbone.reduce((sum, views) => sum + views[0]!.length, 0);
  return perBackbone[0]!.map((_, view) => {
    const row = new Float32Array(width);
    let offset = 0;
    for (const views of perBackbone) {
      row.set(views[view]!, offset);
      offset += views[view]!.length;
    }
    return row;
  });
}

function hash32(text: string): number {
  return createHash('sha1').update(text).digest().readUInt32BE(0);
}
