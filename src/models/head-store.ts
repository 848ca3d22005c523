import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { projectPath } from '../core/index.js';
import { ModelConfigError } from './errors.js';
import { decodeModel, encodeModel, type ModelProto } from './onnx-graph.js';

const splitFigures = z.object({ n: z.number(), top1: z.number(), macro_f1: z.number() }).passthrough();

/** What a model card records about a trained head: enough to reproduce it and to judge it. */
export const headCardSchema = z
  .object({
    name: z.string(),
    version: z.number().int().positive(),
    created: z.string(),
    backbone: z.object({ name: z.string(), sha256: z.string(), precision: z.enum(['int8', 'fp32']) }),
    input_size: z.number().int(),
    /** Every backbone the head reads, in concatenation order (absent on single-backbone cards before v2). */
    backbones: z
      .array(z.object({ name: z.string(), sha256: z.string(), input_size: z.number().int() }))
      .optional(),
    flip_tta: z.boolean(),
    classes: z.array(z.string()),
    preprocessing: z.object({
      resize: z.string(),
      crop_fraction: z.number(),
      mean: z.array(z.number()),
      std: z.array(z.number()),
      layout: z.string(),
    }),
    hyper_parameters: z.record(z.string(), z.unknown()),
    search: z.array(z.record(z.string(), z.unknown())),
    data: z.object({
      root: z.string(),
      layout: z.string(),
      fingerprint: z.string(),
      counts: z.record(z.string(), z.number()),
      unreadable: z.number(),
    }),
    validation: splitFigures,
    test: splitFigures.optional(),
    /** Pooled over every source held out in turn (the protocol's per-fold head), with a 95 % interval. */
    leave_source_out: splitFigures
      .extend({ interval: z.tuple([z.number(), z.number()]), head: z.string() })
      .optional(),
    training_seconds: z.number(),
    parameters: z.number().int(),
    sha256: z.string(),
  })
  .passthrough();

export type HeadCard = z.infer<typeof headCardSchema>;

export interface StoredHead {
  readonly card: HeadCard;
  readonly model: ModelProto;
  readonly bytes: Uint8Array;
}

/** The folder of a head shipped with the project: models/heads/<name>/. */
export function headDir(name: string, root = projectPath('models', 'heads')): string {
  return join(root, name);
}

export async function loadHead(name: string, root?: string): Promise<StoredHead> {
  const dir = headDir(name, root);
  let cardText: string;
  let bytes: Uint8Array;
  try {
    [cardText, bytes] = await Promise.all([
      readFile(join(dir, 'card.json'), 'utf8'),
      readFile(join(dir, 'head.onnx')),
    ]);
  } catch (cause) {
    throw new ModelConfigError(
      dir,
      `no trained head there (${cause instanceof Error ? cause.message : cause}); run 'gourmetgram train' first`,
    );
  }
  const parsed = headCardSchema.safeParse(JSON.parse(cardText));
  if (!parsed.success) throw new ModelConfigError(join(dir, 'card.json'), z.prettifyError(parsed.error));
  return { card: parsed.data, model: decodeModel(bytes), bytes };
}

/** Writes head.onnx, card.json and card.md, each through a temporary file so a crash leaves the old ones. */
export async function saveHead(
  model: ModelProto,
  card: HeadCard,
  markdown: string,
  root?: string,
): Promise<string> {
  const dir = headDir(card.name, root);
  await mkdir(dir, { recursive: true });
  const files: [string, string | Uint8Array][] = [
    ['head.onnx', encodeModel(model)],
    ['card.json', `${JSON.stringify(card, null, 2)}\n`],
    ['card.md', markdown],
  ];
  for (const [file, content] of files) {
    const target = join(dir, file);
    await writeFile(`${target}.partial`, content);
    await rename(`${target}.partial`, target);
  }
  return dir;
}
