import type { Kysely } from 'kysely';
import type { Classifier } from '../inference/index.js';
import { type PredictionRecord, predictionRecord } from './prediction-record.js';
import type { ProjectionRegistry } from './projection-registry.js';
import { appendPrediction, type PredictionLogDatabase } from './sql-prediction-log.js';

export interface ShadowOptions {
  /** The candidate version. */
  readonly classifier: Classifier;
  readonly db: Kysely<PredictionLogDatabase>;
  readonly projections: ProjectionRegistry;
  /** Told of each stored shadow record with the serving answer it sits beside (the app's metrics). */
  readonly onLogged?: (serving: PredictionRecord, shadow: PredictionRecord) => void;
  readonly onError?: (error: unknown) => void;
  readonly now?: () => Date;
}

/**
 * Shadow mode: a candidate model version classifies every upload the serving version answered, after the
 * answer has gone, and its answer is logged with role `shadow` beside the serving row; nobody ever sees it.
 * A failing or slow candidate costs the visitor nothing: its errors are reported, never thrown.
 */
export class ShadowRunner {
  private readonly pending = new Set<Promise<void>>();
  private readonly now: () => Date;

  constructor(private readonly options: ShadowOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Queues the candidate's classification of a photo the serving version answered as `serving`. */
  run(bytes: Uint8Array, serving: PredictionRecord): void {
    const started = performance.now();
    const job = this.options.classifier
      .classify(bytes)
      .then(async (prediction) => {
        const record = predictionRecord(prediction, {
          time: this.now(),
          source: serving.source,
          role: 'shadow',
          photoId: serving.photo_id,
          latencyMs: performance.now() - started,
          // The same photo: its statistics are the serving row's.
          image: serving.image,
          projection: prediction.embedding
            ? this.options.projections.for(prediction.model, prediction.version, prediction.embedding.length)
            : undefined,
        });
        await appendPrediction(this.options.db, record);
        this.options.onLogged?.(serving, record);
      })
      .catch((error: unknown) => this.options.onError?.(error));
    this.pending.add(job);
    void job.finally(() => this.pending.delete(job));
  }

  /** Waits for every queued shadow classification (before the database closes). */
  async drain(): Promise<void> {
    await Promise.all(this.pending);
  }
}

export interface ShadowClass {
  readonly category: string;
  readonly n: number;
  /** Share of the serving class's photos the candidate put in the same class. */
  readonly agreement: number;
  readonly servingConfidence: number;
  readonly shadowConfidence: number;
}

export interface ShadowComparison {
  readonly model: string;
  readonly version: number;
  readonly n: number;
  readonly agreement: number;
  /** By the serving version's class, in `classes` order (classes the candidate never saw have n = 0). */
  readonly perClass: readonly ShadowClass[];
}

/** The newest shadow version's answers against the serving ones for the same photos. */
export function compareShadow(
  serving: readonly PredictionRecord[],
  shadow: readonly PredictionRecord[],
  classes: readonly string[],
): ShadowComparison | null {
  const newest = shadow.at(-1);
  if (!newest) return null;
  const servingByPhoto = new Map(serving.filter((r) => r.photo_id).map((r) => [r.photo_id!, r]));
  const pairs = shadow
    .filter((r) => r.model === newest.model && r.version === newest.version && r.photo_id)
    .flatMap((r) => {
      const s = servingByPhoto.get(r.photo_id!);
      return s ? [[s, r] as const] : [];
    });
  const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0);
  const perClass = classes.map((category) => {
    const of = pairs.filter(([s]) => s.category === category);
    return {
      category,
      n: of.length,
      agreement: of.length ? of.filter(([s, c]) => s.category === c.category).length / of.length : 0,
      servingConfidence: mean(of.map(([s]) => s.confidence)),
      shadowConfidence: mean(of.map(([, c]) => c.confidence)),
    };
  });
  return {
    model: newest.model,
    version: newest.version,
    n: pairs.length,
    agreement: pairs.length ? pairs.filter(([s, c]) => s.category === c.category).length / pairs.length : 0,
    perClass,
  };
}
