import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ModelConfig, recipeBackbones } from '../recipes/index.js';
import type { PreprocessSpec } from '../vision/index.js';
import type { BackboneUse } from './backbone-branch.js';
import { loadBackboneGraph } from './backbone-graph.js';
import { type BackboneSpec, loadBackboneSpec } from './backbone-spec.js';
import { buildCompositeEmbeddingModel, embeddingWidthOf, modelInputFor } from './composite-model.js';
import { dequantizeModel } from './dequantize.js';
import { ModelConfigError } from './errors.js';
import { type HeadCard, loadHead } from './head-store.js';
import { decodeModel, encodeModel } from './onnx-graph.js';
import { packageModel } from './package-model.js';

export interface ModelStoreOptions {
  readonly mirrorDir?: string | undefined;
  readonly cacheDir: string;
  readonly headsDir?: string | undefined;
}

/** A deployable model: one ONNX file with everything a server needs to feed it and read it. */
export interface PackagedModel {
  readonly name: string;
  readonly version: number;
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly classes: readonly string[];
  readonly preprocess: PreprocessSpec;
  readonly embeddingWidth: number;
  readonly card: HeadCard;
  /** The first backbone: its crop and normalisation are the model input's. */
  readonly backbone: BackboneSpec;
  /** Every backbone, in the order their embeddings are concatenated. */
  readonly backbones: readonly BackboneSpec[];
}

/**
 * Builds (or finds in the cache) the packaged ONNX model a recipe's `model` section describes: every backbone
 * resolved from mirror/cache/upstream, dequantised if asked, composed into one graph with our trained head.
 */
export async function preparePackagedModel(
  model: ModelConfig,
  options: ModelStoreOptions,
): Promise<PackagedModel> {
  const uses = await loadBackboneUses(model);
  const specs = uses.map((u) => u.spec);
  const head = await loadHead(model.head, options.headsDir);
  checkHeadMatches(model, head.card, uses);
  // One backbone keeps the key it always had, so packaged files already cached stay valid.
  const backboneKey = uses.length === 1 ? [specs[0]!.sha256] : uses.map((u) => `${u.spec.sha256}@${u.size}`);
  const key = createHash('sha256')
    .update(
      JSON.stringify([
        ...backboneKey,
        head.card.sha256,
        model.precision,
        model.tta.flip,
        packageFormatVersion,
      ]),
    )
    .digest('hex')
    .slice(0, 16);
  const path = join(
    options.cacheDir,
    'packaged',
    `${model.head}-v${head.card.version}-${model.precision}-${key}.onnx`,
  );
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch {
    const files = await readBackboneFiles(uses, model.precision, options);
    bytes = encodeModel(
      packageModel(buildCompositeEmbeddingModel(uses, files, { flipTta: model.tta.flip }), head.model, {
        flipTta: model.tta.flip,
        classes: head.card.classes,
        backbones: specs,
        metadata: {
          head: head.card.name,
          version: String(head.card.version),
          input_size: String(modelInputFor(uses).size),
        },
      }),
    );
    await mkdir(join(options.cacheDir, 'packaged'), { recursive: true });
    await writeFile(`${path}.${process.pid}.partial`, bytes);
    await rename(`${path}.${process.pid}.partial`, path);
  }
  return Object.freeze({
    name: head.card.name,
    version: head.card.version,
    path,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    bytes: bytes.length,
    classes: head.card.classes,
    preprocess: modelInputFor(uses),
    embeddingWidth: embeddingWidthOf(uses),
    card: head.card,
    backbone: specs[0]!,
    backbones: specs,
  });
}

/** The backbones a recipe's model names, their descriptions loaded, each with the side it runs at. */
export async function loadBackboneUses(model: ModelConfig): Promise<BackboneUse[]> {
  return Promise.all(
    recipeBackbones(model).map(async (b) => ({ spec: await loadBackboneSpec(b.name), size: b.input_size })),
  );
}

/** Each backbone's ONNX graph (checked against its SHA-256; converted when TensorFlow Lite), dequantised when the recipe asks for fp32. */
export async function readBackboneFiles(
  uses: readonly BackboneUse[],
  precision: ModelConfig['precision'],
  options: Pick<ModelStoreOptions, 'mirrorDir' | 'cacheDir'>,
): Promise<Uint8Array[]> {
  return Promise.all(
    uses.map(async ({ spec }) => {
      const { bytes } = await loadBackboneGraph(spec, {
        mirrorDir: options.mirrorDir,
        cacheDir: join(options.cacheDir, 'backbones'),
      });
      return precision === 'fp32' ? encodeModel(dequantizeModel(decodeModel(bytes))) : bytes;
    }),
  );
}

// Bump when the packaging itself changes, so cached packaged files are rebuilt (2: int8 memory search).
const packageFormatVersion = 2;

function checkHeadMatches(model: ModelConfig, card: HeadCard, uses: readonly BackboneUse[]): void {
  const problems: string[] = [];
  const trained = card.backbones ?? [{ ...card.backbone, input_size: card.input_size }];
  const asked = uses.map((u) => `${u.spec.name}@${u.size}`).join(' + ');
  const had = trained.map((b) => `${b.name}@${b.input_size}`).join(' + ');
  if (
    trained.length !== uses.length ||
    trained.some((b, i) => b.sha256 !== uses[i]!.spec.sha256 || b.input_size !== uses[i]!.size)
  )
    problems.push(`trained on ${had}, recipe asks ${asked}`);
  if (card.flip_tta !== model.tta.flip)
    problems.push(`trained with flip_tta=${card.flip_tta}, recipe asks ${model.tta.flip}`);
  if (card.backbone.precision !== model.precision)
    problems.push(`trained on the ${card.backbone.precision} graph, recipe asks ${model.precision}`);
  if (problems.length)
    throw new ModelConfigError(`models/heads/${model.head}`, `${problems.join('; ')}; retrain it`);
}
