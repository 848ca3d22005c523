import type { Prediction } from '../inference/index.js';
import type { ImageStats } from './image-stats.js';
import type { Observation } from './observation.js';
import type { RandomProjection } from './projection.js';

/**
 * One logged classification: everything monitoring reads, and no photo bytes. The same record goes to the
 * app's database and to the server's JSON lines.
 */
export interface PredictionRecord {
  readonly time: string;
  /** Who classified: the web app, the inference server, or the visitor's browser (in-browser model). */
  readonly source: 'app' | 'server' | 'browser';
  /**
   * `serving` answers users; `shadow` is a candidate version answering beside it, never shown; `edge` is what
   * the browser guessed for a photo the server also classified (a client's claim: compared, never trusted);
   * `rescore` is a promoted version's answer for a stored photo (`gourmetgram rescore`).
   */
  readonly role: 'serving' | 'shadow' | 'edge' | 'rescore';
  readonly photo_id: string | null;
  readonly model: string;
  readonly version: number;
  readonly category: string;
  readonly confidence: number;
  /** Every class's probability in the model's class order (rounded to 4 decimals); null if the engine gave none. */
  readonly probabilities: readonly number[] | null;
  readonly latency_ms: number;
  readonly image: ImageStats | null;
  readonly projection: readonly number[] | null;
  /** The seed of the projection matrix (stored with the model version's reference). */
  readonly projection_seed: number | null;
}

export interface RecordContext {
  readonly time: Date;
  readonly source: PredictionRecord['source'];
  readonly role?: PredictionRecord['role'];
  readonly photoId?: string | null;
  readonly latencyMs: number;
  readonly image: ImageStats | null;
  readonly projection: RandomProjection | undefined;
}

/** Builds the log record of one prediction. */
export function predictionRecord(prediction: Prediction, context: RecordContext): PredictionRecord {
  const projection =
    context.projection && prediction.embedding?.length === context.projection.inputWidth
      ? context.projection.project(prediction.embedding)
      : null;
  return {
    time: context.time.toISOString(),
    source: context.source,
    role: context.role ?? 'serving',
    photo_id: context.photoId ?? null,
    model: prediction.model,
    version: prediction.version,
    category: prediction.category,
    confidence: prediction.confidence,
    probabilities: prediction.probabilities
      ? Array.from(prediction.probabilities, (p) => Math.round(p * 1e4) / 1e4)
      : null,
    latency_ms: Math.round(context.latencyMs * 100) / 100,
    image: context.image,
    projection,
    projection_seed: projection ? context.projection!.seed : null,
  };
}

export function toObservation(record: PredictionRecord): Observation {
  return {
    category: record.category,
    confidence: record.confidence,
    projection: record.projection,
    image: record.image,
  };
}

export interface EdgeGuessInput {
  readonly time: Date;
  readonly photoId: string;
  readonly model: string;
  readonly version: number;
  readonly category: string;
  readonly confidence: number;
  readonly elapsedMs: number;
}

/** The log record of a browser's guess, kept beside the server's `serving` row of the same photo. */
export function edgeGuessRecord(guess: EdgeGuessInput): PredictionRecord {
  return {
    time: guess.time.toISOString(),
    source: 'browser',
    role: 'edge',
    photo_id: guess.photoId,
    model: guess.model,
    version: guess.version,
    category: guess.category,
    confidence: guess.confidence,
    probabilities: null,
    latency_ms: Math.round(guess.elapsedMs * 100) / 100,
    image: null,
    projection: null,
    projection_seed: null,
  };
}
