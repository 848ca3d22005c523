import { parentPort } from 'node:worker_threads';
import { type HeadHyperParameters, predictHead, type TrainingSet, trainHead } from '../models/index.js';

/** One fold's fit: the training rows and the held-out rows to score, each as its own buffer. */
export interface HeadFitJob {
  readonly train: TrainingSet;
  readonly heldOut: Float32Array;
  readonly params: HeadHyperParameters;
}

export interface HeadFitReply {
  readonly probabilities?: Float32Array;
  readonly seconds?: number;
  readonly error?: string;
}

// A head fit is one long single-threaded loop; folds run side by side, one per core, in these workers.
parentPort?.on('message', (job: HeadFitJob) => {
  try {
    const started = performance.now();
    const head = trainHead(job.train, job.params);
    const probabilities = predictHead(head, job.heldOut, job.train.width);
    const reply: HeadFitReply = { probabilities, seconds: (performance.now() - started) / 1000 };
    parentPort!.postMessage(reply, [probabilities.buffer as ArrayBuffer]);
  } catch (error) {
    parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
});
