import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { projectPath } from '../core/index.js';
import type { PreprocessSpec } from '../vision/index.js';
import { ModelConfigError } from './errors.js';

const channelTriple = z.tuple([z.number(), z.number(), z.number()]);

/** A tensor of the backbone's graph, dequantised with the named scale and zero point when it is quantised. */
const pooledTensor = z.object({
  tensor: z.string(),
  dequantize: z.object({ scale: z.string(), zeroPoint: z.string() }).optional(),
  width: z.number().int().positive(),
});

/** A pretrained backbone, described as data: where it comes from, how it is fed, where its embedding is. */
export const backboneSpecSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
    description: z.string(),
    licence: z.string(),
    /** An ONNX graph, or a TensorFlow Lite model the store converts to one (see tflite-to-onnx.ts). */
    file: z.string().regex(/^[^/\\]+\.(onnx|tflite)$/),
    url: z.url(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    bytes: z.number().int().positive(),
    /** ImageNet top-1 as its publisher states it (a fraction), where it was trained on ImageNet. */
    imagenet_top1: z.number().gt(0).lt(1).optional(),
    input: z.object({
      name: z.string(),
      size: z.number().int().positive(),
      cropFraction: z.number().gt(0).lte(1),
      mean: channelTriple,
      std: channelTriple,
      /** The layout of `name` in the ONNX graph the store hands out (a converted TFLite graph's too). */
      layout: z.literal('NCHW'),
      spatialDimsFixed: z.boolean(),
      /**
       * The file's own input, where it differs from the float `name` above: a quantised NHWC TFLite input
       * takes q = p for pixel p when x = scale·(q − zeroPoint), which `mean`/`std` express for [0, 1] pixels.
       */
      source: z
        .object({
          layout: z.enum(['NHWC', 'NCHW']),
          dtype: z.enum(['uint8', 'int8', 'float32']),
          scale: z.number().positive(),
          zeroPoint: z.number().int(),
        })
        .optional(),
    }),
    embedding: pooledTensor,
    /** The backbone's own classifier (its logits, before any softmax), for peer rows and reference checks. */
    classifier: pooledTensor
      .extend({ classes: z.enum(['imagenet-1000', 'imagenet-1001', 'food-11']) })
      .optional(),
  })
  .readonly();

export type BackboneSpec = z.infer<typeof backboneSpecSchema>;

/** How the store turns the file into an ONNX graph: read it, or convert it from TensorFlow Lite. */
export function backboneFormat(spec: BackboneSpec): 'onnx' | 'tflite' {
  return spec.file.endsWith('.tflite') ? 'tflite' : 'onnx';
}

/** Loads `models/backbones/<name>.json` (or any path) and validates it. */
export async function loadBackboneSpec(nameOrPath: string): Promise<BackboneSpec> {
  const path = nameOrPath.endsWith('.json')
    ? nameOrPath
    : projectPath('models', 'backbones', `${nameOrPath}.json`);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new ModelConfigError(path, cause instanceof Error ? cause.message : String(cause));
  }
  const parsed = backboneSpecSchema.safeParse(raw);
  if (!parsed.success) throw new ModelConfigError(path, z.prettifyError(parsed.error));
  return Object.freeze(parsed.data);
}

/** The preprocessing a backbone wants, at a chosen input size. */
export function preprocessFor(spec: BackboneSpec, size = spec.input.size): PreprocessSpec {
  return Object.freeze({
    size,
    cropFraction: spec.input.cropFraction,
    mean: spec.input.mean,
    std: spec.input.std,
  });
}
