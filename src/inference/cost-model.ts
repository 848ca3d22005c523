export interface CostModelOptions {
  /** No estimate exceeds this (ms): a learned cost alone never condemns a request that has not waited. */
  readonly capMs: number;
  /** Learned costs halve every this many ms without a new measurement, so an old bad batch is forgotten. */
  readonly halfLifeMs: number;
}

/** One photo of a finished batch: the pixels it decoded to and the time its decode took. */
export interface CostSample {
  readonly pixels: number;
  readonly decodeMs: number;
}

const smoothing = 0.3;
/** Photos below this many decoded pixels measure the fixed part of a decode; larger ones its per-pixel part. */
const fixedBelowPixels = 1_000_000;

/**
 * The expected compute time of one request, learned from finished batches: a batch's inference time plus a
 * decode time that grows with the photo's decoded pixels. Pricing each request by its own size keeps a burst
 * of 50-megapixel PNGs from making a small photo look too slow to serve; the cap and the decay keep a
 * wrong estimate from outliving the load that caused it (the metastable 503 lock-up of issue 10).
 *
 * @example
 * const cost = new CostModel({ capMs: 1000, halfLifeMs: 1000 });
 * cost.observe(0, [{ pixels: 49e6, decodeMs: 900 }], 5);
 * cost.estimate(0, 100_000) < cost.estimate(0, 49e6); // true
 */
export class CostModel {
  readonly options: CostModelOptions;
  #inferMs = 0;
  #decodeFixedMs = 0;
  #decodeMsPerMegapixel = 0;
  #measuredAt = Number.NEGATIVE_INFINITY;

  constructor(options: CostModelOptions) {
    if (!(options.capMs > 0)) throw new RangeError(`capMs must be > 0, got ${options.capMs}`);
    if (!(options.halfLifeMs > 0)) throw new RangeError(`halfLifeMs must be > 0, got ${options.halfLifeMs}`);
    this.options = Object.freeze({ ...options });
  }

  /** Learns from one finished batch at `now` (ms). */
  observe(now: number, samples: readonly CostSample[], inferMs: number): void {
    // Decay first, so a measurement after a long silence is not averaged with a stale figure at full weight.
    const kept = this.#decay(now);
    this.#inferMs *= kept;
    this.#decodeFixedMs *= kept;
    this.#decodeMsPerMegapixel *= kept;
    this.#inferMs = mix(this.#inferMs, inferMs);
    for (const { pixels, decodeMs } of samples) {
      if (pixels < fixedBelowPixels) this.#decodeFixedMs = mix(this.#decodeFixedMs, decodeMs);
      else
        this.#decodeMsPerMegapixel = mix(
          this.#decodeMsPerMegapixel,
          Math.max(0, decodeMs - this.#decodeFixedMs) / (pixels / 1e6),
        );
    }
    this.#measuredAt = now;
  }

  /** Expected ms to compute a request whose photo decodes to `pixels` (0 for a ready tensor), at `now`. */
  estimate(now: number, pixels: number): number {
    const decode = pixels > 0 ? this.#decodeFixedMs + (this.#decodeMsPerMegapixel * pixels) / 1e6 : 0;
    return Math.min(this.options.capMs, (this.#inferMs + decode) * this.#decay(now));
  }

  #decay(now: number): number {
    if (this.#measuredAt === Number.NEGATIVE_INFINITY) return 1;
    return 2 ** (-Math.max(0, now - this.#measuredAt) / this.options.halfLifeMs);
  }
}

function mix(average: number, sample: number): number {
  return average === 0 ? sample : (1 - smoothing) * average + smoothing * sample;
}
