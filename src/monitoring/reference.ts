import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { projectPath } from '../core/index.js';
import { ReferenceInvalidError, ReferenceMissingError } from './errors.js';
import type { Observation } from './observation.js';

const referenceSchema = z.object({
  model: z.string(),
  version: z.number().int(),
  created: z.string(),
  /** Which photos: held out of the model's training, described in words with the counts. */
  photos: z.string(),
  classes: z.array(z.string()).min(2),
  projection: z.object({
    seed: z.number().int(),
    dims: z.number().int().positive(),
    input_width: z.number().int(),
  }),
  /** Mean calibrated confidence on these photos, and the accuracy actually measured on them (labels known). */
  expected_accuracy: z.number(),
  measured_accuracy: z.number(),
  class_mix: z.array(z.number().int().nonnegative()),
  rows: z.object({
    category: z.array(z.number().int().nonnegative()),
    confidence: z.array(z.number()),
    projection: z.array(z.array(z.number())),
    width: z.array(z.number()),
    height: z.array(z.number()),
    brightness: z.array(z.number()),
    sharpness: z.array(z.number()),
  }),
});

/**
 * What "normal" looks like for one model version: its held-out photos' projected embeddings, image statistics,
 * predicted class mix and calibrated confidences. Saved beside the model card as reference.json.
 */
export type Reference = z.infer<typeof referenceSchema>;

export function referencePath(headsDir: string, head: string): string {
  return join(headsDir, head, 'reference.json');
}

export async function loadReference(path: string): Promise<Reference> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new ReferenceMissingError(path, cause);
  }
  let parsed: Reference;
  try {
    parsed = referenceSchema.parse(JSON.parse(text));
  } catch (cause) {
    throw new ReferenceInvalidError(
      path,
      cause instanceof Error ? cause.message.slice(0, 300) : String(cause),
    );
  }
  const n = parsed.rows.confidence.length;
  const r = parsed.rows;
  if ([r.category, r.projection, r.width, r.height, r.brightness, r.sharpness].some((c) => c.length !== n))
    throw new ReferenceInvalidError(path, 'row columns differ in length');
  if (r.projection.some((p) => p.length !== parsed.projection.dims))
    throw new ReferenceInvalidError(path, `a projection is not ${parsed.projection.dims} wide`);
  return parsed;
}

export async function saveReference(path: string, reference: Reference): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const partial = `${path}.${process.pid}.partial`;
  await writeFile(partial, `${JSON.stringify(referenceSchema.parse(reference))}\n`);
  await rename(partial, path);
}

/** The reference as observations, for code that treats it like any window. */
export function referenceObservations(reference: Reference): Observation[] {
  const r = reference.rows;
  return r.confidence.map((confidence, i) => ({
    category: reference.classes[r.category[i]!]!,
    confidence,
    projection: r.projection[i]!,
    image: {
      width: r.width[i]!,
      height: r.height[i]!,
      brightness: r.brightness[i]!,
      sharpness: r.sharpness[i]!,
    },
  }));
}

/** The reference saved beside a head, as a list (empty when none was made yet: logging works without one). */
export async function loadReferences(headsDir: string | undefined, head: string): Promise<Reference[]> {
  try {
    return [await loadReference(referencePath(headsDir ?? projectPath('models', 'heads'), head))];
  } catch (error) {
    if (error instanceof ReferenceMissingError) return [];
    throw error;
  }
}
