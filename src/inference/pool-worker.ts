/**
 * One inference worker thread: owns its ONNX Runtime session (and a second, wider one for lone photos when
 * the recipe asks), decodes and preprocesses the photos of a batch straight into the batch tensor (no
 * intermediate copies), runs it, and transfers the outputs back.
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
// The adapter file alone, not the models index: a worker that loads the graph-editing code starts slower.
import { createOnnxSession, type OnnxSession } from '../models/onnx-runtime.js';
import { decodeLimits, imageToTensor, tensorLength } from '../vision/index.js';
import { InferenceError, TensorShapeError } from './errors.js';
import {
  type BatchInput,
  type BatchResult,
  type FromWorker,
  type ToWorker,
  toWireError,
  type WireError,
  type WorkerConfig,
} from './worker-messages.js';

const port = parentPort;
if (!port) throw new Error('bug: pool-worker.js must run as a worker thread');
const config = workerData as WorkerConfig;
const perImage = tensorLength(config.preprocess);
const side = config.preprocess.size;

// One input buffer for the worker's life, grown to the largest batch: a fresh 600 kB-per-photo tensor cost
// ~0.08 ms per photo in allocation and zeroing (0.28 → 0.19 ms with normalisation, measured). Safe because a
// worker runs one batch at a time and ONNX Runtime is done with the input when `run` resolves.
let scratch = new Float32Array(0);

function inputTensor(length: number): Float32Array {
  if (scratch.length < length) scratch = new Float32Array(length);
  return scratch.subarray(0, length);
}

function post(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

/** The worker's sessions: the recipe's, and optionally one with more threads for lone photos. */
interface WorkerSessions {
  readonly shared: OnnxSession;
  readonly lone: OnnxSession | undefined;
}

async function runBatch(
  sessions: WorkerSessions,
  id: number,
  inputs: readonly BatchInput[],
  lone: boolean,
): Promise<BatchResult> {
  const loneSession = lone ? sessions.lone : undefined;
  const session = loneSession ?? sessions.shared;
  const batch = inputTensor(perImage * inputs.length);
  const errors: (WireError | null)[] = inputs.map(() => null);
  const decodeMs: number[] = inputs.map(() => 0);
  // Decode every photo of the batch at once, on libuv's pool (libjpeg-turbo) and libvips' own threads.
  await Promise.all(
    inputs.map(async (input, slot) => {
      const started = performance.now();
      try {
        if (input.kind === 'tensor') {
          if (input.data.length !== perImage)
            throw new TensorShapeError(
              `tensor has ${input.data.length} values; [3,${side},${side}] needs ${perImage}`,
            );
          batch.set(input.data, slot * perImage);
        } else {
          await imageToTensor(input.bytes, config.preprocess, {
            out: batch,
            offset: slot * perImage,
            limits: decodeLimits(config.maxPixels),
            shrinkOnLoad: config.shrinkOnLoad,
            jpegDecoder: config.jpegDecoder,
          });
        }
      } catch (error) {
        errors[slot] = toWireError(error);
      }
      decodeMs[slot] = performance.now() - started;
    }),
  );
  const good = errors.flatMap((error, slot) => (error ? [] : [slot]));
  const rows = inputs.map(() => -1);
  good.forEach((slot, row) => {
    rows[slot] = row;
  });
  let tensor = batch;
  if (good.length !== inputs.length) {
    // Compact only when some input failed: the common path feeds `batch` as it is.
    tensor = new Float32Array(perImage * good.length);
    good.forEach((slot, row) => {
      tensor.set(batch.subarray(slot * perImage, (slot + 1) * perImage), row * perImage);
    });
  }
  let inferMs = 0;
  let probabilities: Float32Array = new Float32Array(0);
  let embedding: Float32Array | undefined;
  let classes = 0;
  let embeddingWidth = 0;
  if (good.length > 0) {
    const started = performance.now();
    const outputs = await session.run(tensor, [good.length, 3, side, side]);
    inferMs = performance.now() - started;
    const probs = outputs.probabilities;
    if (!probs) throw new InferenceError('GG_ERR_MODEL_OUTPUT', 'model has no probabilities output');
    probabilities = probs.data;
    classes = probs.dims[1] ?? 0;
    embedding = outputs.embedding?.data;
    embeddingWidth = outputs.embedding?.dims[1] ?? 0;
  }
  return {
    type: 'batch-done',
    id,
    probabilities,
    embedding,
    classes,
    embeddingWidth,
    rows,
    errors,
    decodeMs,
    inferMs,
    session: loneSession ? 'lone' : 'shared',
  };
}

async function main(): Promise<void> {
  const started = performance.now();
  let sessions: WorkerSessions;
  try {
    const open = (threads: number, stopSpinningAfterRun: boolean) =>
      createOnnxSession(config.modelPath, {
        intraOpThreads: threads,
        graphOptimizationLevel: config.graphOptimization,
        stopSpinningAfterRun,
      });
    const shared = await open(config.intraOpThreads, false);
    if (!shared.outputNames.includes('probabilities'))
      throw new InferenceError(
        'GG_ERR_MODEL_OUTPUT',
        `model outputs are ${shared.outputNames.join(', ')}; 'probabilities' is required`,
      );
    const lone =
      config.loneIntraOpThreads && config.loneIntraOpThreads > config.intraOpThreads
        ? await open(config.loneIntraOpThreads, true)
        : undefined;
    sessions = { shared, lone };
    for (const size of config.warmupBatchSizes)
      await shared.run(new Float32Array(perImage * size), [size, 3, side, side]);
    await lone?.run(new Float32Array(perImage), [1, 3, side, side]);
  } catch (error) {
    post({ type: 'load-failed', error: toWireError(error) });
    return;
  }
  let batchRunning = false;
  let crashRequested = false;
  const crash = () =>
    setImmediate(() => {
      throw new InferenceError('GG_ERR_WORKER_CRASHED', 'worker ended by a crash drill');
    });
  // Messages are handled one at a time: the pool sends a worker one batch and waits for its answer.
  port!.on('message', (message: ToWorker) => {
    if (message.type === 'crash') {
      crashRequested = true;
      if (!batchRunning) crash();
      return;
    }
    if (message.type === 'release') {
      void Promise.all([sessions.shared.release(), sessions.lone?.release()]).finally(() => {
        post({ type: 'released' });
        port!.close();
      });
      return;
    }
    batchRunning = true;
    runBatch(sessions, message.id, message.inputs, message.lone).then(
      (result) => {
        batchRunning = false;
        if (crashRequested) return crash();
        const transfer = [result.probabilities.buffer as ArrayBuffer];
        if (result.embedding) transfer.push(result.embedding.buffer as ArrayBuffer);
        post(result, transfer);
      },
      (error: unknown) => {
        batchRunning = false;
        if (crashRequested) return crash();
        // A whole-batch failure (the session itself): every input gets the error.
        const wire = toWireError(error);
        post({
          type: 'batch-done',
          id: message.id,
          probabilities: new Float32Array(0),
          embedding: undefined,
          classes: 0,
          embeddingWidth: 0,
          rows: message.inputs.map(() => -1),
          errors: message.inputs.map(() => wire),
          decodeMs: message.inputs.map(() => 0),
          inferMs: 0,
          session: message.lone && sessions.lone ? 'lone' : 'shared',
        });
      },
    );
  });
  post({ type: 'ready', loadMs: performance.now() - started });
}

void main();
