import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { classFolderName } from '../data/index.js';
import type { BlobStore } from './blob-store.js';
import type { Correction } from './photo-repository.js';

const columns = [
  'photo_id',
  'corrected_at',
  'category',
  'predicted_category',
  'predicted_confidence',
  'model',
  'model_version',
  'file',
] as const;

function csvField(value: string | number): string {
  const text = String(value);
  // Quote anything with a separator, and neutralise a leading formula character for spreadsheet users.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function fileName(correction: Correction): string {
  const extension = correction.imageKey.split('.').at(-1) ?? 'jpg';
  return `${classFolderName(correction.category)}/${correction.photoId}.${extension}`;
}

/** One line per corrected photo: the user's label beside the prediction it corrects. */
export function correctionsCsv(corrections: readonly Correction[]): string {
  const lines = [columns.join(',')];
  for (const c of corrections)
    lines.push(
      [
        c.photoId,
        c.createdAt,
        c.category,
        c.predictedCategory,
        c.predictedConfidence.toFixed(6),
        c.model,
        c.modelVersion,
        fileName(c),
      ]
        .map(csvField)
        .join(','),
    );
  return `${lines.join('\n')}\n`;
}

/**
 * Writes corrected photos as a Food-11-layout folder (`<Class>/<photo>.jpg`, readable by `gourmetgram train`)
 * plus `corrections.csv`. Built under a temporary name and renamed, so a half-written export never appears.
 */
export async function exportCorrectionsFolder(
  corrections: readonly Correction[],
  blobs: BlobStore,
  target: string,
): Promise<{ path: string; files: number }> {
  const temp = `${target}.partial`;
  let files = 0;
  for (const c of corrections) {
    const bytes = await blobs.get(c.imageKey);
    if (!bytes) continue;
    const path = join(temp, fileName(c));
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, bytes);
    files += 1;
  }
  await mkdir(temp, { recursive: true });
  await writeFile(join(temp, 'corrections.csv'), correctionsCsv(corrections));
  await rename(temp, target);
  return { path: target, files };
}
