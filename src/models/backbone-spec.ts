import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { projectPath } from '../recipes/project-paths.js';
import type { PreprocessSpec } from '../vision/index.js';
import { ModelConfigError } from './errors.js';

const channelTriple = z.tuple([z.number(), z.number(), z.number()]);

/** A pretrained backbone, described as data: where it comes from, how it is fed, where its embedding is. */
export const backboneSpecSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
    description: z.string(),
    licence: z.string(),
    file: z.string().regex(/^[^/\\]+\.onnx$/),
    url: z.url(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    bytes: z.number().int().positive(),
    input: z.object({
      name: z.string(),
      size: z.number().int().positive(),
      cropFraction: z.number().gt(0).lte(1),
      mean: channelTriple,
      std: channelTriple,
      layout: z.literal('NCHW'),
      spatialDimsFixed: z.boolean(),
    }),
    embedding: z.object({
      tensor: z.string(),
      dequantize: z.object({ scale: z.string(), zeroPoint: z.string() }).optional(),
      width: z.number().int().positive(),
    }),
  })
  .readonly();

export type BackboneSpec = z.infer<typeof backboneSpecSchema>;

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
