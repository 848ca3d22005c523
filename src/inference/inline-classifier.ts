import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { createOnnxSession, type OnnxSession } from '../models/index.js';
import type { ServingConfig } from '../recipes/index.js';
import { decodeLimits, imageToTensor } from '../vision/index.js';
import type { Classifier, ClassifierInfo, Prediction } from './classifier.js';
import { ClassifierClosedError, ModelLoadError } from './errors.js';
import type { ModelSource } from './model-source.js';
import { toPrediction } from './prediction.js';

/**
 * The predecessor's way, kept to measure it: one request at a time in the request handler, the upload
 * written to a temporary file and read back, every pixel decoded (unless the recipe says otherwise), batch
 * size 1, no queue bound, no worker threads.
 */
export class InlineClassifier implements Classifier {
  readonly model: ModelSource;
  readonly #session: OnnxSession;
  readonly #serving: ServingConfig;
  readonly #uploads: string;
  #tail: Promise<unknown> = Promise.resolve();
  #closed = false;

  private constructor(model: ModelSource, serving: ServingConfig, session: OnnxSession, uploads: string) {
    this.model = model;
    this.#serving = serving;
    this.#session = session;
    this.#uploads = uploads;
  }

  static async start(model: ModelSource, serving: ServingConfig): Promise<InlineClassifier> {
    let session: OnnxSession;
    try {
      session = await createOnnxSession(model.path, {
        intraOpThreads: serving.intra_op_threads,
        graphOptimizationLevel: serving.graph_optimization,
      });
    } catch (cause) {
      throw new ModelLoadError(model.path, cause instanceof Error ? cause.message : String(cause), cause);
    }
    return new InlineClassifier(model, serving, session, await mkdtemp(join(tmpdir(), 'gg-uploads-')));
  }

  info(): ClassifierInfo {
    return { model: this.model.name, version: this.model.version, classes: this.model.classes };
  }

  ready(): boolean {
    return !this.#closed;
  }

  classify(image: Uint8Array): Promise<Prediction> {
    if (this.#closed) return Promise.reject(new ClassifierClosedError());
    const run = this.#tail.then(() => this.#classifyNow(image));
    this.#tail = run.catch(() => undefined);
    return run;
  }

  async #classifyNow(image: Uint8Array): Promise<Prediction> {
    const started = performance.now();
    const file = join(this.#uploads, `${process.pid}-${Math.random().toString(36).slice(2)}.upload`);
    await writeFile(file, image);
    try {
      const bytes = await readFile(file);
      const { size } = this.model.preprocess;
      const { tensor } = await imageToTensor(bytes, this.model.preprocess, {
        limits: decodeLimits(this.#serving.max_pixels),
        shrinkOnLoad: this.#serving.shrink_on_load,
        jpegDecoder: this.#serving.jpeg_decoder,
      });
      const decoded = performance.now();
      const outputs = await this.#session.run(tensor, [1, 3, size, size]);
      const probabilities = outputs.probabilities?.data;
      if (!probabilities) throw new ModelLoadError(this.model.path, "no 'probabilities' output");
      return toPrediction(
        probabilities,
        this.model,
        { decode_ms: decoded - started, queue_ms: 0, infer_ms: performance.now() - decoded },
        outputs.embedding?.data,
      );
    } finally {
      await rm(file, { force: true });
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#tail;
    await this.#session.release();
    await rm(this.#uploads, { recursive: true, force: true });
  }
}
