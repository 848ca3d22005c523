import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { readDataset } from '../data/index.js';
import type { ModelStoreOptions } from '../models/index.js';
import { paretoFront, paretoSvg } from '../report/index.js';
import { backboneRows, probeTraining, timingPhotos } from './backbone-steps.js';
import type { BackboneStudyResult } from './study-result.js';

export interface BackboneStudyOptions {
  readonly dataDir: string;
  readonly store: ModelStoreOptions;
  readonly outDir: string;
  readonly log: (line: string) => void;
  readonly onProgress?: (stage: string, done: number, total: number) => void;
}

/**
 * `gourmetgram study --backbones`: each backbone and each combination of them with the same head, scored on
 * validation (what a recipe may choose on), test and leave-source-out (reported), timed alone; the course's
 * model beside them as a peer. Writes study-backbones.json and study-backbones-pareto.svg into `outDir`.
 */
export async function runBackboneStudy(options: BackboneStudyOptions): Promise<BackboneStudyResult> {
  const dataset = await readDataset(options.dataDir, {
    validationFraction: probeTraining.validation_fraction,
  });
  const { rows, peer } = await backboneRows({
    dataset,
    store: options.store,
    photos: await timingPhotos(dataset, 32),
    iterations: 60,
    log: options.log,
    onProgress: options.onProgress,
  });
  const points = rows.map((r) => ({ label: r.step, accuracy: r.validation_top1, other: r.p50_ms }));
  const counts = { train: 0, validation: 0, test: 0 };
  for (const item of dataset.items) counts[item.split]++;
  const result: BackboneStudyResult = {
    schema: 'gourmetgram.study-backbones/1',
    created: new Date().toISOString(),
    machine: { cores: cpus().length, node: process.version, load_average: loadavg() },
    data: { root: basename(resolve(dataset.root)), ...counts }, // by name, as eval records it
    head:
      'softmax on centre-crop embeddings (l2 0.03, classes balanced, 30 epochs, temperature-scaled on ' +
      'validation), trained on train for the validation figure, refit on train + validation for test; ' +
      'leave-source-out: the same head per fold, fitted on the train and validation photos of the other sources',
    embedded_as:
      'branches of one zoo + edgetpu + course model at 224 px: the zoo crop (central 87.5 %), each backbone ' +
      'renormalised to its own mean/std in the graph, as a recipe naming them in this order serves them',
    rows,
    peer,
    pareto: { p50: paretoFront(points, 'min').map((p) => p.label) },
  };
  await mkdir(options.outDir, { recursive: true });
  await writeFile(join(options.outDir, 'study-backbones.json'), `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(
    join(options.outDir, 'study-backbones-pareto.svg'),
    paretoSvg({
      title: 'Backbones: validation top-1 against p50 latency (batch 1, 1 thread)',
      xLabel: 'p50 latency of the embedding graph, ms',
      points,
      better: 'min',
    }),
  );
  options.log(`wrote ${join(options.outDir, 'study-backbones.json')} and study-backbones-pareto.svg`);
  return result;
}
