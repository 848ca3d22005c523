import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import {
  type ImageView,
  imageToTensor,
  inspectImage,
  type PreprocessSpec,
  tensorLength,
} from '../vision/index.js';
import { EmbeddingCache } from './embedding-cache.js';
import { tensorNames } from './embedding-model.js';
import { ModelGraphError } from './errors.js';
import { createOnnxSession, type OnnxSession } from './onnx-runtime.js';

export interface ExtractOptions {
  readonly session: OnnxSession;
  /** Names the embedding model in cache keys (a hash of the backbone and the graph edits). */
  readonly modelKey: string;
  /** Width of one output row (the embedding width, or the number of classes). */
  readonly width: number;
  /** Which model output to collect; `embedding` by default. */
  readonly output?: string;
  readonly preprocess: PreprocessSpec;
  readonly cache?: EmbeddingCache;
  readonly batchSize?: number;
  /** Views to embed for the item at `index`; `undefined` stands for the plain centre crop. */
  readonly viewsFor?: (index: number, width: number, height: number) => readonly (ImageView | undefined)[];
  readonly onProgress?: (done: number, total: number) => void;
}

export interface ExtractResult {
  /** Per item, one embedding per view; an empty list where the image could not be read. */
  readonly embeddings: Float32Array[][];
  readonly failures: readonly { path: string; reason: string }[];
  readonly cacheHits: number;
}

interface PendingView {
  readonly item: number;
  readonly view: number;
  readonly key: string;
  readonly bytes: Uint8Array;
  readonly imageView: ImageView | undefined;
}

/**
 * Embeds image files with the given embedding session, batch by batch, reading from and filling the cache.
 * An unreadable file is reported in `failures` and skipped; it never stops the run.
 */
export async function extractEmbeddings(
  paths: readonly string[],
  options: ExtractOptions,
): Promise<ExtractResult> {
  const batchSize = options.batchSize ?? 16;
  const embeddings: Float32Array[][] = paths.map(() => []);
  const failures: { path: string; reason: string }[] = [];
  let cacheHits = 0;
  let done = 0;
  const chunkSize = Math.max(1, Math.floor(batchSize / 2));

  const prepare = async (start: number): Promise<PendingView[]> => {
    const pending: PendingView[] = [];
    await Promise.all(
      paths.slice(start, start + chunkSize).map(async (path, offset) => {
        const item = start + offset;
        try {
          const bytes = await readFile(path);
          const imageHash = createHash('sha256').update(bytes).digest('hex');
          const views = options.viewsFor
            ? (() =>
                inspectImage(bytes).then(({ width, height }) => options.viewsFor!(item, width, height)))()
            : Promise.resolve([undefined]);
          const list = await views;
          embeddings[item] = new Array(list.length);
          await Promise.all(
            list.map(async (imageView, view) => {
              const key = EmbeddingCache.key(
                imageHash,
                options.modelKey,
                options.output ?? '',
                options.preprocess,
                imageView ?? 'centre',
              );
              const hit = await options.cache?.get(key, options.width);
              if (hit) {
                embeddings[item]![view] = hit;
                cacheHits++;
              } else pending.push({ item, view, key, bytes, imageView });
            }),
          );
        } catch (error) {
          embeddings[item] = [];
          failures.push({ path, reason: error instanceof Error ? error.message : String(error) });
        }
      }),
    );
    return pending;
  };

  let next = prepare(0);
  for (let start = 0; start < paths.length; start += chunkSize) {
    const pending = await next;
    if (start + chunkSize < paths.length) next = prepare(start + chunkSize);
    for (let b = 0; b < pending.length; b += batchSize) {
      await runBatch(pending.slice(b, b + batchSize), options, embeddings, failures, paths);
    }
    done = Math.min(paths.length, start + chunkSize);
    options.onProgress?.(done, paths.length);
  }
  return { embeddings, failures, cacheHits };
}

async function runBatch(
  batch: readonly PendingView[],
  options: ExtractOptions,
  embeddings: Float32Array[][],
  failures: { path: string; reason: string }[],
  paths: readonly string[],
): Promise<void> {
  const length = tensorLength(options.preprocess);
  const input = new Float32Array(batch.length * length);
  const ok: PendingView[] = [];
  await Promise.all(
    batch.map(async (view) => {
      const slot = ok.length;
      ok.push(view);
      try {
        await imageToTensor(view.bytes, options.preprocess, {
          out: input,
          offset: slot * length,
          view: view.imageView,
        });
      } catch (error) {
        ok[slot] = undefined as unknown as PendingView;
        embeddings[view.item] = [];
        failures.push({
          path: paths[view.item]!,
          reason: error instanceof Error ? error.message : String(error),
        });
      }
    }),
  );
  const rows = ok.map((v, slot) => ({ v, slot })).filter((r) => r.v !== undefined);
  if (rows.length === 0) return;
  const size = options.preprocess.size;
  const result = await options.session.run(input, [batch.length, 3, size, size]);
  const name = options.output ?? tensorNames.embedding;
  const output = result[name];
  if (!output) throw new ModelGraphError(`model has no '${name}' output`);
  for (const { v, slot } of rows) {
    if (embeddings[v.item]!.length === 0) continue;
    const embedding = output.data.slice(slot * options.width, (slot + 1) * options.width);
    embeddings[v.item]![v.view] = embedding;
    await options.cache?.put(v.key, embedding);
  }
}

/**
 * The one-shot form: opens a session on `model` (bytes or a file), embeds `paths` with it and releases the
 * session whatever happens, so callers that embed once need not pair open and release themselves.
 */
export async function extractWithModel(
  model: Uint8Array | string,
  paths: readonly string[],
  options: Omit<ExtractOptions, 'session'> & { readonly threads?: number },
): Promise<ExtractResult> {
  const { threads, ...extract } = options;
  const session = await createOnnxSession(model, {
    intraOpThreads: threads ?? availableParallelism(),
    graphOptimizationLevel: 'all',
  });
  try {
    return await extractEmbeddings(paths, { ...extract, session });
  } finally {
    await session.release();
  }
}
