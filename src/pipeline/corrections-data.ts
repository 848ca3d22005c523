import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { seededRandom, shuffle } from '../core/index.js';
import { classIndexFromName, type DatasetItem, parseCsvRecords } from '../data/index.js';

/** User corrections exported by the app (POST /admin/corrections/export): photos under `<Class>/`, and the CSV. */
export interface CorrectionsData {
  readonly dir: string;
  /** SHA-256 of corrections.csv: which export a model was trained on. */
  readonly csvSha256: string;
  readonly items: readonly DatasetItem[];
  /** What the serving model answered for each photo (by item file), from the CSV. */
  readonly served: ReadonlyMap<string, string>;
  /** Rows naming a class we do not know (skipped). */
  readonly skipped: number;
}

export async function readCorrectionsExport(dir: string): Promise<CorrectionsData> {
  const text = await readFile(join(dir, 'corrections.csv'), 'utf8');
  const items: DatasetItem[] = [];
  const served = new Map<string, string>();
  let skipped = 0;
  for (const row of parseCsvRecords(text)) {
    const label = classIndexFromName(row.category ?? '');
    if (label === undefined || !row.file || !row.photo_id) {
      skipped++;
      continue;
    }
    items.push({
      path: join(dir, row.file),
      file: `corrections/${row.file}`,
      label,
      split: 'train',
      source: 'corrections',
      group: `correction:${row.photo_id}`,
    });
    served.set(`corrections/${row.file}`, row.predicted_category ?? '');
  }
  return { dir, csvSha256: createHash('sha256').update(text).digest('hex'), items, served, skipped };
}

/**
 * Splits corrections into a training part and a held-out part (by a hash of the photo, so the split is stable
 * as exports grow): the held-out photos are where the candidate and the serving version are compared.
 */
export function holdOutCorrections(
  items: readonly DatasetItem[],
  fraction: number,
): { train: DatasetItem[]; heldOut: DatasetItem[] } {
  const share = (item: DatasetItem) =>
    createHash('sha1').update(item.group).digest().readUInt32BE(0) / 2 ** 32;
  return {
    train: items.filter((item) => share(item) >= fraction),
    heldOut: items.filter((item) => share(item) < fraction),
  };
}

/**
 * Caps the corrections' share of the training set at `cap` (seeded sample): corrections are a biased sample
 * (the photos the model got wrong and someone bothered to fix), so too many would skew the class balance and
 * the calibration the label-free accuracy estimate relies on.
 */
export function capCorrections(
  items: readonly DatasetItem[],
  baseCount: number,
  cap: number,
  seed: number,
): DatasetItem[] {
  const most = Math.floor((cap / (1 - cap)) * baseCount);
  return items.length <= most ? [...items] : shuffle([...items], seededRandom(seed)).slice(0, most);
}

export interface PromotionFigures {
  /** Top-1 on the same test split: the serving version's model card figure, the candidate's. */
  readonly servingTest: number;
  readonly candidateTest: number;
  /** Top-1 on the held-out corrected photos: what the serving version answered (from the export), the candidate. */
  readonly servingCorrections: number;
  readonly candidateCorrections: number;
  readonly correctionsN: number;
}

export interface PromotionDecision extends PromotionFigures {
  readonly promote: boolean;
  readonly rule: string;
  readonly reason: string;
}

/** Test top-1 may fall by this much at most (about one photo in 200): the noise of a seeded refit. */
export const testTolerance = 0.005;

/**
 * The gate a candidate passes before it may replace the serving version: no worse on the same test split
 * (within `testTolerance`), and better on the held-out corrected photos when there are any.
 */
export function promotionDecision(figures: PromotionFigures): PromotionDecision {
  const testOk = figures.candidateTest >= figures.servingTest - testTolerance;
  const correctionsOk =
    figures.correctionsN === 0 || figures.candidateCorrections > figures.servingCorrections;
  const reason = !testOk
    ? `test top-1 ${figures.candidateTest.toFixed(3)} < serving ${figures.servingTest.toFixed(3)} − ${testTolerance}`
    : !correctionsOk
      ? `no gain on the ${figures.correctionsN} held-out corrected photos`
      : 'passes both checks';
  return {
    ...figures,
    promote: testOk && correctionsOk,
    rule: `test top-1 ≥ serving − ${testTolerance}, and held-out corrected-photo top-1 > serving's`,
    reason,
  };
}
