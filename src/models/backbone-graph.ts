import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type BackboneSpec, backboneFormat } from './backbone-spec.js';
import { type BackboneStoreOptions, resolveBackbone } from './backbone-store.js';
import { buildClassifierModel, buildEmbeddingModel, type EmbeddingModelOptions } from './embedding-model.js';
import { encodeModel, type ModelProto } from './onnx-graph.js';
import { convertTfliteToOnnx, tfliteConverterVersion } from './tflite-to-onnx.js';

export interface BackboneGraph {
  /** The backbone as an ONNX graph (converted when its file is TensorFlow Lite). */
  readonly bytes: Uint8Array;
  /** Where the source file was found. */
  readonly source: 'mirror' | 'cache' | 'download';
  /** Whether a conversion ran now (false: ONNX source, or a cached conversion). */
  readonly converted: boolean;
}

/**
 * A backbone's ONNX graph: the file itself for an ONNX backbone; for a TensorFlow Lite one, its conversion,
 * cached under `<cacheDir>/converted/` by the source's SHA-256 and the converter version (the source is
 * verified against its hash by {@link resolveBackbone} first, so the key names exactly one graph).
 */
export async function loadBackboneGraph(
  spec: BackboneSpec,
  options: BackboneStoreOptions,
): Promise<BackboneGraph> {
  const resolved = await resolveBackbone(spec, options);
  if (backboneFormat(spec) === 'onnx')
    return { bytes: await readFile(resolved.path), source: resolved.source, converted: false };
  const dir = join(options.cacheDir, 'converted');
  const path = join(dir, `${spec.sha256}-tflite2onnx-v${tfliteConverterVersion}.onnx`);
  try {
    return { bytes: await readFile(path), source: resolved.source, converted: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const bytes = encodeModel(convertTfliteToOnnx(await readFile(resolved.path)));
  await mkdir(dir, { recursive: true });
  // Written aside and renamed, so a reader never sees half a graph when two processes convert at once.
  const partial = `${path}.${process.pid}.${Date.now()}.partial`;
  try {
    await writeFile(partial, bytes);
    await rename(partial, path);
  } finally {
    await rm(partial, { force: true });
  }
  return { bytes, source: resolved.source, converted: true };
}

/**
 * The embedding extractor of a backbone, whatever its file format: input `image` float NCHW
 * [batch, 3, height, width] normalised as `preprocessFor(spec)` says, output `embedding` [batch, width].
 *
 * @example
 * const spec = await loadBackboneSpec('mobilenet-edgetpu-224-1.0-uint8');
 * const model = await resolveEmbeddingModel(spec, { cacheDir, mirrorDir }, { flipTta: false });
 * const session = await createOnnxSession(encodeModel(model));
 */
export async function resolveEmbeddingModel(
  spec: BackboneSpec,
  store: BackboneStoreOptions,
  options: EmbeddingModelOptions,
): Promise<ModelProto> {
  const graph = await loadBackboneGraph(spec, store);
  return buildEmbeddingModel(graph.bytes, spec, options);
}

/** The backbone's own classifier (input `image`, output `logits`), whatever its file format. */
export async function resolveClassifierModel(
  spec: BackboneSpec,
  store: BackboneStoreOptions,
): Promise<ModelProto> {
  return buildClassifierModel((await loadBackboneGraph(spec, store)).bytes, spec);
}
