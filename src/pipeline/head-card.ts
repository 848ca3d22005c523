import { createHash } from 'node:crypto';
import { type Dataset, datasetFingerprint } from '../data/index.js';
import { type ClassificationReport, wilsonInterval } from '../evaluation/index.js';
import {
  type BackboneUse,
  countParameters,
  type HeadCard,
  type ModelProto,
  modelInputFor,
} from '../models/index.js';
import type { Recipe } from '../recipes/index.js';
import type { FittedHead } from './fit-head.js';
import { cheapHead } from './leave-source-out.js';
import type { FoldResult } from './leave-source-out-folds.js';
import type { Figures } from './peer.js';

export interface HeadCardFacts {
  readonly recipe: Recipe;
  readonly uses: readonly BackboneUse[];
  readonly dataset: Dataset;
  readonly fitted: FittedHead;
  readonly test: ClassificationReport;
  /** Leave-source-out with the protocol's cheap head on the same embeddings (pooled and per source). */
  readonly outOfSource?: { readonly pooled: Figures; readonly folds: readonly FoldResult[] };
  readonly unreadable: number;
  readonly previousVersion: number;
  readonly headModel: ModelProto;
  readonly headBytes: Uint8Array;
  readonly seconds: number;
}

/** The model card of a freshly trained head: what it reads, how it was chosen, what it scored. */
export async function buildHeadCard(facts: HeadCardFacts): Promise<HeadCard> {
  const { recipe, uses, dataset, fitted } = facts;
  const input = modelInputFor(uses);
  const first = uses[0]!.spec;
  const training = recipe.model.training;
  return {
    name: recipe.model.head,
    version: facts.previousVersion + 1,
    created: new Date().toISOString(),
    backbone: { name: first.name, sha256: first.sha256, precision: recipe.model.precision },
    ...(uses.length > 1
      ? { backbones: uses.map((u) => ({ name: u.spec.name, sha256: u.spec.sha256, input_size: u.size })) }
      : {}),
    input_size: input.size,
    flip_tta: recipe.model.tta.flip,
    classes: [...dataset.classes],
    preprocessing: {
      resize: `shorter side to round(${input.size} / ${input.cropFraction}), centre crop ${input.size}${
        uses.length > 1
          ? `; then, in the graph, ${uses.map((u) => `${u.spec.name} at ${u.size} px`).join(', ')}, each renormalised to its own mean/std`
          : ''
      }`,
      crop_fraction: input.cropFraction,
      mean: [...input.mean],
      std: [...input.std],
      layout: 'NCHW RGB float32',
    },
    hyper_parameters: {
      ...fitted.params,
      augment_views: training.augment_views,
      refit_on: 'train+validation',
      temperature: fitted.head.temperature,
      memory: fitted.head.memory
        ? {
            temperature: fitted.head.memory.temperature,
            weight: fitted.head.memory.weight,
            size: fitted.head.memory.labels.length,
          }
        : null,
    },
    search: fitted.search.map((r) => ({ ...r })),
    memory_search: fitted.memorySearch.map((r) => ({ ...r })),
    data: {
      root: dataset.root,
      layout: dataset.layout,
      fingerprint: await datasetFingerprint(dataset.items),
      counts: countSplits(dataset),
      unreadable: facts.unreadable,
    },
    validation: { ...fitted.validation },
    test: {
      n: facts.test.n,
      top1: facts.test.top1,
      interval: wilsonInterval(Math.round(facts.test.top1 * facts.test.n), facts.test.n),
      macro_f1: facts.test.macro_f1,
      top2: facts.test.top2,
      ece: facts.test.ece,
    },
    ...(facts.outOfSource ? { leave_source_out: leaveSourceOutFigures(facts.outOfSource) } : {}),
    training_seconds: facts.seconds,
    parameters: countParameters(facts.headModel),
    sha256: createHash('sha256').update(facts.headBytes).digest('hex'),
  };
}

/** Pooled figures with each held-out source's own fold, so one source the head cannot reach shows by name. */
function leaveSourceOutFigures(
  outOfSource: NonNullable<HeadCardFacts['outOfSource']>,
): NonNullable<HeadCard['leave_source_out']> {
  const { pooled, folds } = outOfSource;
  return {
    head: cheapHead,
    n: pooled.n,
    top1: pooled.top1,
    interval: [...pooled.interval] as [number, number],
    macro_f1: pooled.macro_f1,
    folds: folds.map((f) => ({
      source: f.source,
      n: f.n,
      top1: f.top1,
      interval: [...f.interval],
      classes_unseen: f.classes_unseen,
    })),
  };
}

function countSplits(dataset: Dataset): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of dataset.items) counts[item.split] = (counts[item.split] ?? 0) + 1;
  return counts;
}
