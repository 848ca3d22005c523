import type { ImageStats } from './image-stats.js';

/** What the drift tests read of one prediction (from the log, or from the reference). */
export interface Observation {
  readonly category: string;
  readonly confidence: number;
  /** The seeded random projection of the embedding; null where the classifier returned no embedding. */
  readonly projection: readonly number[] | null;
  /** null where the photo was not measured (a tensor input on the server). */
  readonly image: ImageStats | null;
}
