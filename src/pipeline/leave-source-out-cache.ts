import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { datasetFingerprint } from '../data/index.js';
import { EmbeddingCache } from '../models/index.js';
import { type LeaveSourceOutInput, leaveSourceOutOn } from './leave-source-out-folds.js';

export type LeaveSourceOutFigures = ReturnType<typeof leaveSourceOutOn>;

/**
 * `leaveSourceOutOn`, remembered on disk: `gourmetgram train` (for the model card) and `gourmetgram eval
 * --protocol leave-source-out` run the same seeded folds on the same cached embeddings, minutes of head
 * fitting each on two cores, so the second reads the first's figures. The key names everything that changes
 * them: the embeddings (`embeddedAs`: backbones, sizes, precision, flip), the training section and the data.
 */
export async function rememberedLeaveSourceOut(
  input: LeaveSourceOutInput & { readonly embeddedAs: unknown; readonly cacheDir: string },
): Promise<LeaveSourceOutFigures> {
  const key = EmbeddingCache.key(
    'leave-source-out/1',
    input.embeddedAs,
    input.training,
    input.width,
    await datasetFingerprint(input.usable.map((u) => u.item)),
  );
  const dir = join(input.cacheDir, 'leave-source-out');
  const path = join(dir, `${key}.json`);
  try {
    return JSON.parse(await readFile(path, 'utf8')) as LeaveSourceOutFigures;
  } catch {
    // Not computed yet (or unreadable): compute and keep it.
  }
  const figures = leaveSourceOutOn(input);
  await mkdir(dir, { recursive: true });
  const partial = `${path}.${process.pid}.partial`;
  await writeFile(partial, JSON.stringify(figures));
  await rename(partial, path);
  return figures;
}
