import type { Dataset, DatasetItem } from '../data/index.js';
import type { HeadCard } from '../models/index.js';
import {
  type CorrectionsData,
  capCorrections,
  holdOutCorrections,
  type PromotionDecision,
  promotionDecision,
  readCorrectionsExport,
} from './corrections-data.js';
import { evaluateHead, type FittedHead } from './fit-head.js';
import type { EmbeddedItems, RecipeEmbedder } from './recipe-embeddings.js';
import { toTrainingSet } from './training-set.js';

export interface PreparedCorrections {
  readonly data: CorrectionsData;
  readonly cap: number;
  readonly holdout: number;
  readonly offered: number;
  readonly train: DatasetItem[];
  readonly heldOut: DatasetItem[];
  readonly baseTrain: number;
}

/** Reads the export, holds part of it out (by photo) and caps the rest's share of train. */
export async function prepareCorrections(
  options: { readonly dir: string; readonly cap: number; readonly holdout: number },
  baseTrain: number,
  seed: number,
): Promise<PreparedCorrections> {
  const data = await readCorrectionsExport(options.dir);
  const split = holdOutCorrections(data.items, options.holdout);
  return {
    data,
    cap: options.cap,
    holdout: options.holdout,
    offered: split.train.length,
    train: capCorrections(split.train, baseTrain, options.cap, seed),
    heldOut: split.heldOut,
    baseTrain,
  };
}

export async function embedCorrections(
  embedder: RecipeEmbedder,
  prepared: PreparedCorrections,
  views: number,
): Promise<{ train: EmbeddedItems; heldOut: EmbeddedItems }> {
  const train = await embedder.embed('embedding corrections', prepared.train, views);
  const heldOut = await embedder.embed('embedding held-out corrections', prepared.heldOut, 0);
  return { train, heldOut };
}

/** The candidate's and the serving version's top-1 on the held-out corrected photos that could be read. */
export function evaluateHeldOut(
  fitted: FittedHead,
  prepared: PreparedCorrections,
  embedded: { readonly heldOut: EmbeddedItems },
  dataset: Dataset,
  width: number,
): { n: number; candidate: number; serving: number } {
  const readable = prepared.heldOut.filter((_, i) => (embedded.heldOut.embeddings[i]?.length ?? 0) > 0);
  if (readable.length === 0) return { n: 0, candidate: 0, serving: 0 };
  const set = toTrainingSet(
    readable,
    embedded.heldOut.embeddings.filter((e) => e.length > 0),
    width,
    dataset.classes.length,
    'centre',
  );
  const report = evaluateHead(fitted.head, set, dataset.classes);
  const servedRight = readable.filter(
    (item) => prepared.data.served.get(item.file) === dataset.classes[item.label],
  ).length;
  return { n: readable.length, candidate: report.top1, serving: servedRight / readable.length };
}

export interface CorrectionsProvenance {
  readonly export: string;
  readonly csv_sha256: string;
  readonly offered: number;
  readonly used: number;
  readonly held_out: number;
  readonly cap: number;
  /** The corrections' actual share of the training set. */
  readonly share: number;
  readonly used_per_class: Readonly<Record<string, number>>;
  readonly serving: { readonly name: string; readonly version: number } | null;
  readonly promotion: PromotionDecision;
}

/** What the model card records about the corrections it was trained with, and the promotion gate's verdict. */
export function correctionsProvenance(
  prepared: PreparedCorrections,
  heldOut: { n: number; candidate: number; serving: number },
  versus: { serving: HeadCard | undefined; candidateTest: number },
): CorrectionsProvenance {
  const perClass: Record<string, number> = {};
  for (const item of prepared.train) {
    const name = item.file.split('/')[1] ?? String(item.label);
    perClass[name] = (perClass[name] ?? 0) + 1;
  }
  const used = prepared.train.length;
  return {
    export: prepared.data.dir,
    csv_sha256: prepared.data.csvSha256,
    offered: prepared.offered,
    used,
    held_out: prepared.heldOut.length,
    cap: prepared.cap,
    share: used / (used + prepared.baseTrain),
    used_per_class: perClass,
    serving: versus.serving ? { name: versus.serving.name, version: versus.serving.version } : null,
    promotion: promotionDecision({
      // With no serving version yet there is nothing to beat on test.
      servingTest: versus.serving?.test?.top1 ?? 0,
      candidateTest: versus.candidateTest,
      servingCorrections: heldOut.serving,
      candidateCorrections: heldOut.candidate,
      correctionsN: heldOut.n,
    }),
  };
}

export function correctionsMarkdown(p: CorrectionsProvenance): string {
  const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
  return `
## Trained with user corrections

- Export: \`${p.export}\` (corrections.csv SHA-256 \`${p.csv_sha256.slice(0, 16)}…\`)
- ${p.used} of ${p.offered} corrected photos joined train (cap ${pct(p.cap)} of the training set; actual share
  ${pct(p.share)}); ${p.held_out} held out (by photo) for the comparison below.
- Against the serving version${p.serving ? ` (${p.serving.name} v${p.serving.version})` : ''}: test top-1
  ${pct(p.promotion.candidateTest)} vs ${pct(p.promotion.servingTest)}; held-out corrected photos
  ${pct(p.promotion.candidateCorrections)} vs ${pct(p.promotion.servingCorrections)} (n = ${p.promotion.correctionsN}).
- Promotion: **${p.promotion.promote ? 'yes' : 'no'}** (${p.promotion.reason}; rule: ${p.promotion.rule}).
`;
}
