import { basename, resolve } from 'node:path';
import { defaultHyperParameters, predictHead, trainHead } from '../../models/index.js';
import { type Dataset, readDataset } from '../dataset.js';
import { type GroupProfile, imbalanceRatio, profileBy } from './distribution.js';
import {
  type DuplicateEvidence,
  type DuplicatePair,
  type DuplicateThresholds,
  type DuplicateVerdict,
  defaultDuplicateThresholds,
  findDuplicatePairs,
  l2Normalise,
  mergeGroupsByPairs,
} from './duplicates.js';
import { embedFiles } from './embed-files.js';
import { type ImageFacts, readAllImageFacts } from './image-facts.js';
import { confidentLearning, type FitPredict, groupKFold, outOfFoldProbabilities } from './label-errors.js';
import { hashFromHex } from './perceptual-hash.js';
import { probeSource, type SourceProbe } from './source-probe.js';

export interface DataCheckOptions {
  readonly backbone: string;
  readonly mirrorDir?: string | undefined;
  readonly cacheDir: string;
  /** Shorter side below which a photo is "tiny". */
  readonly minSide: number;
  readonly folds: number;
  readonly thresholds: DuplicateThresholds;
  readonly onProgress?: (stage: string, done: number, total: number) => void;
}

export const defaultDataCheckOptions = Object.freeze({
  backbone: 'mobilenetv2-12-int8',
  minSide: 64,
  folds: 5,
  thresholds: defaultDuplicateThresholds,
}) satisfies Partial<DataCheckOptions>;

export interface FilePair {
  readonly a: string;
  readonly b: string;
  readonly splits: string;
  readonly labels: string;
  readonly evidence: readonly DuplicateEvidence[];
  readonly verdict: DuplicateVerdict;
  readonly hamming: number | null;
  readonly cosine: number | null;
  readonly same_group: boolean;
}

export interface LabelIssue {
  readonly file: string;
  readonly given: string;
  readonly suggested: string;
  readonly self_confidence: number;
  readonly suggested_probability: number;
  readonly source: string;
}

/** What `gourmetgram data check` finds; `--json` prints it as is. */
export interface DataCheckReport {
  readonly schema: 'gourmetgram.data-check/1';
  readonly root: string;
  readonly layout: string;
  readonly settings: {
    readonly backbone: string;
    readonly min_side: number;
    readonly folds: number;
  } & DuplicateThresholds;
  readonly files: number;
  readonly skipped: readonly { file: string; reason: string }[];
  readonly unreadable: readonly { file: string; reason: string }[];
  readonly tiny: readonly { file: string; width: number; height: number }[];
  /** Every near or exact duplicate pair, same split or not. */
  readonly duplicates: readonly FilePair[];
  /** Exact or near duplicate pairs that cross splits (train/test, or train/the validation carved from train). */
  readonly leakage: readonly FilePair[];
  /** Cross-split pairs with one weak signal only: the same scene or setup, not the same photo. */
  readonly similar_across_splits: readonly FilePair[];
  readonly leakage_by_splits: Readonly<Record<string, number>>;
  readonly suspected_label_errors: readonly LabelIssue[];
  readonly label_error_thresholds: Readonly<Record<string, number>>;
  /** Out-of-fold top-1 of the k-fold heads on train: the reference the suspects are judged against. */
  readonly out_of_fold_top1: number;
  readonly class_balance: {
    readonly counts: Readonly<Record<string, Readonly<Record<string, number>>>>;
    readonly imbalance_ratio: number;
  };
  readonly by_class: readonly GroupProfile[];
  readonly by_source: readonly GroupProfile[];
  readonly source_probe: SourceProbe;
}

/**
 * Runs every data check on a dataset folder: file health, duplicates and leakage (SHA-256, dHash, embedding
 * cosine), class balance, size and brightness per class and source, suspected label errors (k-fold
 * out-of-fold heads + confident learning) and a probe of how well the source can be told from the embedding.
 */
export async function runDataCheck(root: string, options: DataCheckOptions): Promise<DataCheckReport> {
  const dataset = await readDataset(root);
  const items = dataset.items;
  const progress = (stage: string) => (done: number, total: number) =>
    options.onProgress?.(stage, done, total);
  const facts = await readAllImageFacts(
    items.map((i) => i.path),
    progress('decode'),
  );
  const { embeddings, width } = await embedFiles(
    items.map((i) => i.path),
    {
      backbone: options.backbone,
      mirrorDir: options.mirrorDir,
      cacheDir: options.cacheDir,
      onProgress: progress('embed'),
    },
  );
  const ok = (i: number): ImageFacts | undefined => {
    const f = facts[i]!;
    return f.ok ? f.facts : undefined;
  };
  const pairs = findDuplicatePairs(
    items.map((item, i) => ({
      file: item.file,
      split: item.split,
      label: item.label,
      group: item.group,
      sha256: ok(i)?.sha256,
      dhash: ok(i) ? hashFromHex(ok(i)!.dhash) : undefined,
      embedding: embeddings[i] ? l2Normalise(embeddings[i]!) : undefined,
    })),
    options.thresholds,
  );
  // Folds by group, with duplicate pairs joining groups, so no copy of a photo helps score itself.
  const groups = mergeGroupsByPairs(
    items.map((i) => i.group),
    pairs,
  );
  const usable = items.map((_, i) => i).filter((i) => embeddings[i] !== undefined);
  const trainRows = usable.filter((i) => items[i]!.split !== 'test');
  return {
    schema: 'gourmetgram.data-check/1',
    // The data folder's name only: the files are named relative to it, so a report reads the same wherever
    // the folder lies.
    root: basename(resolve(root)),
    layout: dataset.layout,
    settings: {
      backbone: options.backbone,
      min_side: options.minSide,
      folds: options.folds,
      ...options.thresholds,
    },
    files: items.length,
    skipped: dataset.skipped,
    ...fileHealth(dataset, facts, options.minSide),
    ...duplicateFindings(dataset, pairs),
    ...suspectLabels(dataset, trainRows, embeddings, width, groups, options.folds),
    ...profiles(
      dataset,
      usable.filter((i) => ok(i)).map((i) => ({ item: items[i]!, facts: ok(i)! })),
    ),
    source_probe: probeSource(
      usable.map((i) => ({
        embedding: embeddings[i]!,
        source: items[i]!.source,
        label: dataset.classes[items[i]!.label]!,
        group: groups[i]!,
      })),
      width,
      options.folds,
      softmaxFitPredict(width),
    ),
  };
}

/** Files that cannot be decoded, and those too small to classify. */
function fileHealth(
  dataset: Dataset,
  facts: Awaited<ReturnType<typeof readAllImageFacts>>,
  minSide: number,
): Pick<DataCheckReport, 'unreadable' | 'tiny'> {
  const unreadable: { file: string; reason: string }[] = [];
  const tiny: { file: string; width: number; height: number }[] = [];
  facts.forEach((f, i) => {
    const file = dataset.items[i]!.file;
    if (!f.ok) unreadable.push({ file, reason: f.reason });
    else if (Math.min(f.facts.width, f.facts.height) < minSide)
      tiny.push({ file, width: f.facts.width, height: f.facts.height });
  });
  return { unreadable, tiny };
}

/** Every duplicate pair named by its files, the cross-split copies (leakage) and the similar scenes. */
function duplicateFindings(
  dataset: Dataset,
  pairs: readonly DuplicatePair[],
): Pick<DataCheckReport, 'duplicates' | 'leakage' | 'similar_across_splits' | 'leakage_by_splits'> {
  const items = dataset.items;
  const named = (p: DuplicatePair): FilePair => ({
    a: items[p.a]!.file,
    b: items[p.b]!.file,
    splits: `${items[p.a]!.split}/${items[p.b]!.split}`,
    labels: `${dataset.classes[items[p.a]!.label]}/${dataset.classes[items[p.b]!.label]}`,
    evidence: p.evidence,
    verdict: p.verdict,
    hamming: p.hamming,
    cosine: p.cosine,
    same_group: p.same_group,
  });
  const leakage = pairs.filter((p) => p.cross_split && p.verdict !== 'similar').map(named);
  const leakageBySplits: Record<string, number> = {};
  for (const p of leakage) {
    const key = p.splits.split('/').sort().join('/');
    leakageBySplits[key] = (leakageBySplits[key] ?? 0) + 1;
  }
  return {
    duplicates: pairs.map(named),
    leakage,
    similar_across_splits: pairs.filter((p) => p.cross_split && p.verdict === 'similar').map(named),
    leakage_by_splits: leakageBySplits,
  };
}

/** Class balance, and size and brightness per class and per source, over the decodable photos. */
function profiles(
  dataset: Dataset,
  measurable: readonly { item: Dataset['items'][number]; facts: ImageFacts }[],
): Pick<DataCheckReport, 'class_balance' | 'by_class' | 'by_source'> {
  const measured = measurable.map(({ item, facts }) => ({
    label: dataset.classes[item.label]!,
    source: item.source,
    split: item.split,
    width: facts.width,
    height: facts.height,
    brightness: facts.brightness,
  }));
  const byClass = profileBy(measured, 'label');
  const counts: Record<string, Record<string, number>> = {};
  for (const item of dataset.items) {
    const name = dataset.classes[item.label]!;
    counts[name] = { ...counts[name], [item.split]: (counts[name]?.[item.split] ?? 0) + 1 };
  }
  return {
    class_balance: {
      counts,
      imbalance_ratio: imbalanceRatio(
        dataset.classes.map((c) => byClass.find((p) => p.key === c)?.count ?? 0),
      ),
    },
    by_class: byClass,
    by_source: profileBy(measured, 'source'),
  };
}

/** A softmax head trained by the project's own trainer: the model the suspects are judged by. */
export function softmaxFitPredict(width: number): (classes: number) => FitPredict {
  return (classes) => (train, test) => {
    const head = trainHead({ ...train, width, classes }, defaultHyperParameters);
    return predictHead(head, test, width);
  };
}

function suspectLabels(
  dataset: Dataset,
  rows: readonly number[],
  embeddings: readonly (Float32Array | undefined)[],
  width: number,
  groups: readonly string[],
  k: number,
): Pick<DataCheckReport, 'suspected_label_errors' | 'label_error_thresholds' | 'out_of_fold_top1'> {
  const classes = dataset.classes.length;
  const features = new Float32Array(rows.length * width);
  rows.forEach((row, r) => {
    features.set(embeddings[row]!, r * width);
  });
  const labels = Int32Array.from(rows, (row) => dataset.items[row]!.label);
  const folds = groupKFold(
    rows.map((row) => groups[row]!),
    k,
  );
  const probabilities = outOfFoldProbabilities(
    features,
    labels,
    folds,
    width,
    classes,
    softmaxFitPredict(width)(classes),
  );
  let correct = 0;
  for (let r = 0; r < rows.length; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++)
      if (probabilities[r * classes + c]! > probabilities[r * classes + best]!) best = c;
    if (best === labels[r]) correct++;
  }
  const { thresholds, suspects } = confidentLearning(probabilities, labels, classes);
  const round = (v: number): number => Math.round(v * 1e4) / 1e4;
  return {
    out_of_fold_top1: round(correct / Math.max(1, rows.length)),
    label_error_thresholds: Object.fromEntries(dataset.classes.map((c, i) => [c, round(thresholds[i]!)])),
    suspected_label_errors: suspects.map((s) => {
      const item = dataset.items[rows[s.index]!]!;
      return {
        file: item.file,
        given: dataset.classes[s.given]!,
        suggested: dataset.classes[s.suggested]!,
        self_confidence: round(s.self_confidence),
        suggested_probability: round(s.suggested_probability),
        source: item.source,
      };
    }),
  };
}
