import { RandomProjection } from './projection.js';
import type { Reference } from './reference.js';

/** The projection seed used when a model version has no reference yet (the reference records its own). */
export const defaultProjectionSeed = 14;
export const projectionDims = 32;

/**
 * Hands out the projection for a model version: its reference's seed when one is known, else the default,
 * built once per (model, version, width) since the matrix is 1280 × 32 draws.
 */
export class ProjectionRegistry {
  private readonly built = new Map<string, RandomProjection>();

  constructor(private readonly references: readonly Reference[] = []) {}

  for(model: string, version: number, width: number): RandomProjection {
    const key = `${model}\0${version}\0${width}`;
    let projection = this.built.get(key);
    if (!projection) {
      const reference = this.references.find((r) => r.model === model && r.version === version);
      projection = reference
        ? new RandomProjection(
            reference.projection.seed,
            reference.projection.input_width,
            reference.projection.dims,
          )
        : new RandomProjection(defaultProjectionSeed, width, projectionDims);
      this.built.set(key, projection);
    }
    return projection;
  }
}
