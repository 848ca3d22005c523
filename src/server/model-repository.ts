import { copyFile, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { ModelSource } from '../inference/index.js';
import { RepositoryError } from './errors.js';

/**
 * A Triton-style model repository: `<root>/<name>/<version>/model.onnx`, with `model.json` beside it saying
 * what the graph's outputs mean and how to feed it. Versions are positive integers; the newest serves unless
 * one is pinned.
 */
export const versionDescriptionSchema = z.object({
  name: z.string(),
  version: z.number().int().positive(),
  classes: z.array(z.string()).min(2),
  preprocess: z.object({
    size: z.number().int().positive(),
    cropFraction: z.number().gt(0).lte(1),
    mean: z.tuple([z.number(), z.number(), z.number()]),
    std: z.tuple([z.number(), z.number(), z.number()]),
  }),
});

/** The version numbers present for a model, ascending. */
export async function listVersions(root: string, name: string): Promise<number[]> {
  let entries: string[];
  try {
    entries = await readdir(join(root, name));
  } catch {
    return [];
  }
  return entries
    .filter((entry) => /^[1-9]\d*$/.test(entry))
    .map(Number)
    .sort((a, b) => a - b);
}

/** Reads one version's description; throws a RepositoryError naming what is wrong. */
export async function readVersion(root: string, name: string, version: number): Promise<ModelSource> {
  const dir = join(root, name, String(version));
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
  } catch (cause) {
    throw new RepositoryError(
      dir,
      `model.json is missing or not JSON (${cause instanceof Error ? cause.message : cause})`,
      {
        cause,
      },
    );
  }
  const parsed = versionDescriptionSchema.safeParse(raw);
  if (!parsed.success)
    throw new RepositoryError(dir, `model.json is not valid: ${z.prettifyError(parsed.error)}`);
  if (parsed.data.version !== version)
    throw new RepositoryError(dir, `model.json says version ${parsed.data.version}`);
  return { ...parsed.data, name, path: join(dir, 'model.onnx') };
}

/** Copies a model into the repository as `<name>/<version>/`, unless that version is already there. */
export async function publishVersion(root: string, source: ModelSource): Promise<string> {
  const dir = join(root, source.name, String(source.version));
  if ((await listVersions(root, source.name)).includes(source.version)) return dir;
  const staging = `${dir}.${process.pid}.partial`;
  await mkdir(staging, { recursive: true });
  await copyFile(source.path, join(staging, 'model.onnx'));
  const description = {
    name: source.name,
    version: source.version,
    classes: source.classes,
    preprocess: source.preprocess,
  };
  await writeFile(join(staging, 'model.json'), `${JSON.stringify(description, null, 2)}\n`);
  await rename(staging, dir);
  return dir;
}
