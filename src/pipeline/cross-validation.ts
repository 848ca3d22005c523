import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { DatasetItem } from '../data/index.js';
import { argmax, classificationReport, wilsonInterval } from '../evaluation/index.js';
import type { HeadHyperParameters } from '../models/index.js';
import type { HeadFitJob, HeadFitReply } from './head-fit-worker.js';
import { toTrainingSet } from './training-set.js';

/**
 * The fold of each item: a hash of its photo group, so burst shots and exports of one dish are always held out
 * together, and an item keeps its fold whatever else the folder holds.
 */
export function groupFolds(items: readonly DatasetItem[], folds: number): Int32Array {
  return Int32Array.from(items, (item) => {
    const unit = createHash('sha1').update(`cv:${item.group}`).digest().readUInt32BE(0) / 2 ** 32;
    return Math.floor(unit * folds);
  });
}

/** One head to cross-validate: its hyper-parameters and how many random views per photo it trains on. */
export interface HeadVariant {
  readonly label: string;
  /** Random resized crops per training photo besides its centre crop (the first `views` the items carry). */
  readonly views: number;
  readonly params: HeadHyperParameters;
}

export interface CrossValidationRow {
  readonly label: string;
  readonly views: number;
  readonly hidden: number;
  readonly l2: number;
  /** Every photo scored once, by the head fitted without its fold; centre crops, no memory. */
  readonly n: number;
  readonly top1: number;
  readonly interval: readonly [number, number];
  readonly macro_f1: number;
  /** Against the first variant, photo by photo: right here and wrong there, and the reverse. */
  readonly versus_first: { readonly gained: number; readonly lost: number };
  readonly fit_seconds: number;
}

export interface CrossValidationInput {
  readonly items: readonly DatasetItem[];
  /** Per item, its centre crop then at least as many random views as any variant asks. */
  readonly embeddings: readonly Float32Array[][];
  readonly width: number;
  readonly classes: readonly string[];
  readonly variants: readonly HeadVariant[];
  readonly folds: number;
  readonly onFit?: (done: number, total: number) => void;
}

/**
 * k-fold cross-validation by photo group over the photos a recipe may choose on (train + validation): every
 * photo is scored once, so a comparison rests on all of them instead of one validation split of a few hundred,
 * where one photo is a quarter of a point. Fits run in worker threads, one per core.
 */
export async function crossValidateHeads(input: CrossValidationInput): Promise<CrossValidationRow[]> {
  const fold = groupFolds(input.items, input.folds);
  const labels = Int32Array.from(input.items, (item) => item.label);
  const jobs = input.variants.flatMap((variant, v) =>
    Array.from({ length: input.folds }, (_, k) => ({ v, k, variant })),
  );
  const classes = input.classes.length;
  const probabilities = input.variants.map(() => new Float32Array(input.items.length * classes));
  const seconds = input.variants.map(() => 0);
  let done = 0;
  await runInWorkers(
    jobs.map(({ v, k, variant }) => async (fit: (job: HeadFitJob) => Promise<HeadFitReply>) => {
      const inFold = input.items.map((_, i) => fold[i] === k);
      const trainItems = input.items.filter((_, i) => !inFold[i]);
      const trainViews = input.embeddings
        .filter((_, i) => !inFold[i])
        .map((views) => views.slice(0, 1 + variant.views));
      const heldOut = input.items.map((_, i) => i).filter((i) => inFold[i]);
      const heldOutRows = new Float32Array(heldOut.length * input.width);
      heldOut.forEach((i, r) => {
        heldOutRows.set(input.embeddings[i]![0]!, r * input.width);
      });
      const train = toTrainingSet(trainItems, trainViews, input.width, classes, 'all');
      const reply = await fit({ train, heldOut: heldOutRows, params: variant.params });
      if (!reply.probabilities) throw new Error(`head fit failed: ${reply.error}`);
      heldOut.forEach((i, r) => {
        probabilities[v]!.set(reply.probabilities!.subarray(r * classes, (r + 1) * classes), i * classes);
      });
      seconds[v]! += reply.seconds ?? 0;
      input.onFit?.(++done, jobs.length);
    }),
  );
  const rightOf = (p: Float32Array) =>
    Int32Array.from(labels, (label, i) => (argmax(p, i * classes, classes) === label ? 1 : 0));
  const first = rightOf(probabilities[0]!);
  return input.variants.map((variant, v) => {
    const report = classificationReport(probabilities[v]!, labels, input.classes);
    const right = rightOf(probabilities[v]!);
    return {
      label: variant.label,
      views: variant.views,
      hidden: variant.params.hidden,
      l2: variant.params.l2,
      n: labels.length,
      top1: report.top1,
      interval: wilsonInterval(
        right.reduce((a, b) => a + b, 0),
        labels.length,
      ),
      macro_f1: report.macro_f1,
      versus_first: {
        gained: right.filter((r, i) => r === 1 && first[i] === 0).length,
        lost: right.filter((r, i) => r === 0 && first[i] === 1).length,
      },
      fit_seconds: seconds[v]!,
    };
  });
}

type Task = (fit: (job: HeadFitJob) => Promise<HeadFitReply>) => Promise<void>;

/** Runs the tasks on one worker per core, each worker taking the next task when its fit returns. */
async function runInWorkers(tasks: readonly Task[]): Promise<void> {
  const queue = [...tasks];
  const count = Math.max(1, Math.min(availableParallelism(), tasks.length));
  const workers = Array.from(
    { length: count },
    () => new Worker(new URL('./head-fit-worker.js', import.meta.url)),
  );
  const fitOn = (worker: Worker) => (job: HeadFitJob) =>
    new Promise<HeadFitReply>((resolve, reject) => {
      const exited = (code: number) => reject(new Error(`head-fit worker exited with code ${code}`));
      worker.once('message', (reply: HeadFitReply) => {
        worker.off('error', reject).off('exit', exited);
        resolve(reply);
      });
      worker.once('error', reject).once('exit', exited);
      // Transferred, not copied: each fit builds its own rows.
      worker.postMessage(job, [job.train.features.buffer, job.heldOut.buffer] as ArrayBuffer[]);
    });
  try {
    await Promise.all(
      workers.map(async (worker) => {
        const fit = fitOn(worker);
        for (let task = queue.shift(); task; task = queue.shift()) await task(fit);
      }),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
