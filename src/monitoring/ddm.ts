export type DdmState = 'stable' | 'warning' | 'drift';

export interface DdmOptions {
  /** Instances before any verdict (Gama et al. use 30). */
  readonly minInstances: number;
  readonly warningLevel: number;
  readonly driftLevel: number;
}

export const ddmDefaults: DdmOptions = Object.freeze({ minInstances: 30, warningLevel: 2, driftLevel: 3 });

/**
 * Drift Detection Method (Gama, Medas, Castillo & Rodrigues, 2004) on an error stream: tracks the error rate p
 * and s = √(p(1−p)/i), remembers the minimum of p + s, and warns at p + s ≥ p_min + 2·s_min, signals drift at
 * 3·s_min. One change from the paper: p inside s is Laplace-smoothed ((errors + 1) / (i + 2)), because user
 * corrections are rare and an error-free start gives s_min = 0, where the paper's rule fires on the first error.
 */
export class Ddm {
  private count = 0;
  private errors = 0;
  private minP = Number.POSITIVE_INFINITY;
  private minS = Number.POSITIVE_INFINITY;
  private current: DdmState = 'stable';
  private last = 0;

  constructor(private readonly options: DdmOptions = ddmDefaults) {}

  get state(): DdmState {
    return this.current;
  }

  /** (p + s − p_min) / s_min at the last update: 1 at the stream's best, a warning at 2, drift at 3 (defaults). */
  get level(): number {
    return this.last;
  }

  get errorRate(): number {
    return this.count === 0 ? 0 : this.errors / this.count;
  }

  /** Feeds one outcome (true = the prediction was wrong) and returns the state after it. */
  update(error: boolean): DdmState {
    this.count++;
    if (error) this.errors++;
    if (this.count < this.options.minInstances) return this.current;
    const p = this.errors / this.count;
    const smoothed = (this.errors + 1) / (this.count + 2);
    const s = Math.sqrt((smoothed * (1 - smoothed)) / this.count);
    if (p + s < this.minP + this.minS) {
      this.minP = p;
      this.minS = s;
    }
    this.last = this.minS > 0 ? (p + s - this.minP) / this.minS : 0;
    if (p + s >= this.minP + this.options.driftLevel * this.minS) this.current = 'drift';
    else if (p + s >= this.minP + this.options.warningLevel * this.minS) this.current = 'warning';
    else this.current = 'stable';
    return this.current;
  }
}
