import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join, relative } from 'node:path';
import { parseCsvRecords } from './csv.js';
import { DatasetLayoutError } from './errors.js';
import { classIndexFromName, food11Classes } from './food11.js';

export type Split = 'train' | 'validation' | 'test';
export type DatasetLayout = 'food-11' | 'class-folders';

export interface DatasetItem {
  readonly path: string;
  /** Path relative to the dataset root, with forward slashes (stable across machines). */
  readonly file: string;
  readonly label: number;
  readonly split: Split;
  /** Where the photo came from (manifest's repository, the file's `<source>__` prefix, or the layout). */
  readonly source: string;
  /** Photos of one dish share a group; a validation split never separates a group. */
  readonly group: string;
}

export interface Dataset {
  readonly root: string;
  readonly layout: DatasetLayout;
  readonly classes: readonly string[];
  readonly items: readonly DatasetItem[];
  /** Files found but not usable (wrong name, unknown class), with the reason. */
  readonly skipped: readonly { file: string; reason: string }[];
}

export interface ReadDatasetOptions {
  /** Share of train groups moved to validation when the layout has no validation split. */
  readonly validationFraction?: number;
}

const imageExtensions = new Set(['.jpg', '.jpeg', '.png', '.webp']);
const food11Splits: Record<string, Split> = {
  training: 'train',
  validation: 'validation',
  evaluation: 'test',
};
const folderSplits: Record<string, Split> = {
  train: 'train',
  val: 'validation',
  validation: 'validation',
  test: 'test',
};

/**
 * Reads a dataset folder in either layout: the real Food-11 (`training/`, `validation/`, `evaluation/`, files
 * `<classIndex>_<n>.jpg`) or class folders (`train/<Class>/`, `test/<Class>/`, optional `validation/`). Where
 * there is no validation split, one is carved from train by a hash of each photo's group, never from test.
 */
export async function readDataset(root: string, options: ReadDatasetOptions = {}): Promise<Dataset> {
  const entries = await listDirs(root);
  const skipped: { file: string; reason: string }[] = [];
  const sources = await readManifestSources(root);
  let layout: DatasetLayout;
  const items: DatasetItem[] = [];
  if (entries.includes('training') || entries.includes('evaluation')) {
    layout = 'food-11';
    for (const dir of entries.filter((e) => e in food11Splits)) {
      for (const file of await listImages(join(root, dir))) {
        const match = /^(\d+)_\d+$/.exec(basename(file, extname(file)));
        const label = match ? Number(match[1]) : Number.NaN;
        const rel = `${dir}/${file}`;
        if (!(label >= 0 && label < food11Classes.length)) {
          skipped.push({ file: rel, reason: 'name is not <classIndex>_<n> with a Food-11 class index' });
          continue;
        }
        items.push(makeItem(root, rel, label, food11Splits[dir]!, sources));
      }
    }
  } else if (entries.some((e) => e in folderSplits)) {
    layout = 'class-folders';
    for (const dir of entries.filter((e) => e in folderSplits)) {
      for (const classDir of await listDirs(join(root, dir))) {
        const label = classIndexFromName(classDir);
        if (label === undefined) {
          skipped.push({ file: `${dir}/${classDir}/`, reason: `'${classDir}' is not a Food-11 class` });
          continue;
        }
        for (const file of await listImages(join(root, dir, classDir)))
          items.push(makeItem(root, `${dir}/${classDir}/${file}`, label, folderSplits[dir]!, sources));
      }
    }
  } else {
    throw new DatasetLayoutError(root, `found ${entries.length ? entries.join(', ') : 'no folders'}`);
  }
  if (items.length === 0) throw new DatasetLayoutError(root, 'no images found');
  const carved = items.some((i) => i.split === 'validation')
    ? items
    : items.map((item) =>
        item.split === 'train' && groupFraction(item.group) < (options.validationFraction ?? 0.2)
          ? { ...item, split: 'validation' as const }
          : item,
      );
  carved.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { root, layout, classes: food11Classes, items: carved, skipped };
}

/** Items of the given splits. */
export function itemsOf(dataset: Dataset, ...splits: Split[]): DatasetItem[] {
  return dataset.items.filter((i) => splits.includes(i.split));
}

/** A SHA-256 over the sorted list of files, labels and splits: names the data a model was trained on. */
export async function datasetFingerprint(items: readonly DatasetItem[]): Promise<string> {
  const hash = createHash('sha256');
  for (const item of items) {
    const { size } = await stat(item.path);
    hash.update(`${item.file}\t${item.label}\t${item.split}\t${size}\n`);
  }
  return hash.digest('hex');
}

function makeItem(
  root: string,
  file: string,
  label: number,
  split: Split,
  sources: Map<string, string>,
): DatasetItem {
  const name = basename(file, extname(file));
  const prefix = name.includes('__') ? name.slice(0, name.indexOf('__')) : undefined;
  const source = sources.get(file) ?? prefix ?? 'unknown';
  return {
    path: join(root, file),
    file: relative(root, join(root, file)).split('\\').join('/'),
    label,
    split,
    source,
    group: photoGroup(source, name),
  };
}

/**
 * Photos of one dish: exports of one original ("x_jpg.rf.<hash>"), burst shots that differ in a small trailing
 * counter ("bread004S_1_", "bread004S_2_") and views of one item ("bread004S", "bread004T") share a group.
 */
export function photoGroup(source: string, name: string): string {
  const stem = name
    .replace(/\.rf\.[0-9a-f]+$/i, '')
    .replace(/[\s_()-]*\d{1,2}[\s_()-]*$/, '')
    .replace(/(\d)[A-Za-z]$/, '$1');
  return `${source}/${stem || name}`;
}

function groupFraction(group: string): number {
  return createHash('sha1').update(group).digest().readUInt32BE(0) / 2 ** 32;
}

async function readManifestSources(root: string): Promise<Map<string, string>> {
  let text: string;
  try {
    text = await readFile(join(root, 'manifest.csv'), 'utf8');
  } catch {
    return new Map();
  }
  const map = new Map<string, string>();
  for (const record of parseCsvRecords(text)) {
    if (record.file && record.source_repo) map.set(record.file, record.source_repo);
  }
  return map;
}

async function listDirs(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  } catch (cause) {
    throw new DatasetLayoutError(dir, cause instanceof Error ? cause.message : String(cause));
  }
}

async function listImages(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && imageExtensions.has(extname(e.name).toLowerCase()))
    .map((e) => e.name)
    .sort();
}
