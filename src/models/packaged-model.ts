import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelConfig } from '../recipes/index.js';
import type { PreprocessSpec } from '../vision/index.js';
import { type BackboneSpec, loadBackboneSpec, preprocessFor } from './backbone-spec.js';
import { resolveBackbone } from './backbone-store.js';
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
  readonly backbone: BackboneSpec;
}

/**
 * Builds (or finds in the cache) the packaged ONNX model a recipe's `model` section describes: the backbone
 * resolved from mirror/cache/upstream, dequantised if asked, with our trained head appended.
 */
export async function preparePackagedModel(
  model: ModelConfig,
  options: ModelStoreOptions,
): Promise<PackagedModel> {
  const spec = await loadBackboneSpec(model.backbone);
  const head = await loadHead(model.head, options.headsDir);
  checkHeadMatches(model, head.card, spec);
  const backbone = await resolveBackbone(spec, {
    mirrorDir: options.mirrorDir,
    cacheDir: join(options.cacheDir, 'backbones'),
  });
  const key = createHash('sha256')
    .update(
      JSON.stringify([spec.sha256, head.card.sha256, model.precision, model.tta.flip, packageFormatVersion]),
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
    let backboneModel = await readFile(backbone.path);
    if (model.precision === 'fp32')
      backboneModel = Buffer.from(encodeModel(dequantizeModel(decodeModel(backboneModel))));
    bytes = encodeModel(
      packageModel(backboneModel, spec, head.model, {
        flipTta: model.tta.flip,
        classes: head.card.classes,
        metadata: {
          head: head.card.name,
          version: String(head.card.version),
          input_size: String(model.input_size),
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
    preprocess: preprocessFor(spec, model.input_size),
    embeddingWidth: spec.embedding.width,
    card: head.card,
    backbone: spec,
  });
}

// Bump when the packaging itself changes, so cached packaged files are rebuilt.
const packageFormatVersion = 1;

function checkHeadMatches(model: ModelConfig, card: HeadCard, spec: BackboneSpec): void {
  const problems: string[] = [];
  if (card.backbone.sha256 !== spec.sha256)
    problems.push(`trained on backbone ${card.backbone.name}, not ${spec.name}`);
  if (card.input_size !== model.input_size)
    problems.push(`trained at ${card.input_size} px, recipe asks ${model.input_size}`);
  if (card.flip_tta !== model.tta.flip)
    problems.push(`trained with flip_tta=${card.flip_tta}, recipe asks ${model.tta.flip}`);
  if (card.backbone.precision !== model.precision)
    problems.push(`trained on the ${card.backbone.precision} graph, recipe asks ${model.precision}`);
  if (problems.length)
    throw new ModelConfigError(`models/heads/${model.head}`, `${problems.join('; ')}; retrain it`);
}
