import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normal, seededRandom } from '../core/index.js';
import { classMixTest, psi } from './class-mix.js';
import { estimateAccuracy, meanShiftTest } from './confidence.js';
import { correctionRateTest } from './correction-rate.js';
import { Ddm } from './ddm.js';
import { chiSquareSurvival, kolmogorovSurvival, normalSurvival } from './distributions.js';
import { domainClassifierTest, mannWhitney } from './domain-classifier.js';
import { ksPerDimension, ksTest } from './ks.js';
import { mmdTest } from './mmd.js';
import { holmAdjust } from './multiple-testing.js';
import { RandomProjection } from './projection.js';

function gaussian(rows: number, dims: number, seed: number, shift = 0): Float64Array {
  const random = seededRandom(seed);
  return Float64Array.from({ length: rows * dims }, (_, i) => normal(random) + (i % dims === 0 ? shift : 0));
}

describe('null distributions', () => {
  it('should match published critical values', () => {
    assert.ok(Math.abs(normalSurvival(1.959964) - 0.025) < 1e-6);
    assert.ok(Math.abs(chiSquareSurvival(3.841459, 1) - 0.05) < 1e-6);
    assert.ok(Math.abs(chiSquareSurvival(18.307038, 10) - 0.05) < 1e-6);
    assert.ok(Math.abs(chiSquareSurvival(0.0158, 1) - 0.9) < 1e-3);
    // Kolmogorov's 5 % point is λ = 1.3581 for large samples.
    assert.ok(Math.abs(kolmogorovSurvival(1.3581 / Math.sqrt(5000), 10000, 10000) - 0.05) < 1e-3);
  });
});

describe('Holm adjustment', () => {
  it('should multiply the k-th smallest p by m − k + 1 and keep the order monotone', () => {
    const adjusted = holmAdjust([0.01, 0.04, 0.03]);
    assert.deepEqual(
      adjusted.map((p) => Number(p.toFixed(6))),
      [0.03, 0.06, 0.06],
    );
  });
});

describe('Kolmogorov–Smirnov', () => {
  it('should give D = 1 for disjoint samples and D = 0 for identical ones', () => {
    assert.equal(ksTest([1, 2, 3], [4, 5, 6]).statistic, 1);
    const same = ksTest([1, 2, 2, 3], [1, 2, 2, 3]);
    assert.equal(same.statistic, 0);
    assert.equal(same.pValue, 1);
  });

  it('should find a mean shift of one standard deviation in one of 32 dimensions, Holm-adjusted', () => {
    const result = ksPerDimension(gaussian(400, 32, 1), gaussian(100, 32, 2, 1), 32);
    assert.ok(result.pValue < 0.001, `p = ${result.pValue}`);
    assert.ok(result.perDimension[0]!.statistic > 0.3);
    const clean = ksPerDimension(gaussian(400, 32, 3), gaussian(100, 32, 4), 32);
    assert.ok(clean.pValue > 0.05, `p = ${clean.pValue}`);
  });
});

describe('MMD', () => {
  it('should flag a shifted sample and give the (k+1)/(n+1) floor as its p-value', () => {
    const result = mmdTest(gaussian(200, 8, 5), gaussian(60, 8, 6, 1), 8, {
      permutations: 199,
      random: seededRandom(1),
    });
    assert.equal(result.pValue, 1 / 200);
    assert.ok(result.effect > 0.1);
  });

  it('should reject at most about α of the time when nothing changed', () => {
    let rejections = 0;
    for (let run = 0; run < 100; run++) {
      const { pValue } = mmdTest(gaussian(100, 4, 100 + run), gaussian(30, 4, 900 + run), 4, {
        permutations: 99,
        random: seededRandom(run),
      });
      if (pValue <= 0.05) rejections++;
    }
    // Binomial(100, 0.05): 12 or more happens with probability < 0.5 %.
    assert.ok(rejections <= 11, `${rejections} of 100 clean runs flagged`);
  });

  it('should match the unbiased MMD² computed the slow way', () => {
    const x = gaussian(5, 2, 7);
    const y = gaussian(4, 2, 8, 0.5);
    const result = mmdTest(x, y, 2, { permutations: 1, random: seededRandom(1) });
    const k = (a: Float64Array, i: number, b: Float64Array, j: number) =>
      Math.exp(-((a[i * 2]! - b[j * 2]!) ** 2 + (a[i * 2 + 1]! - b[j * 2 + 1]!) ** 2) / (2 * result.sigma2));
    let xx = 0;
    let yy = 0;
    let xy = 0;
    for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) if (i !== j) xx += k(x, i, x, j);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) if (i !== j) yy += k(y, i, y, j);
    for (let i = 0; i < 5; i++) for (let j = 0; j < 4; j++) xy += k(x, i, y, j);
    const expected = xx / 20 + yy / 12 - (2 * xy) / 20;
    assert.ok(Math.abs(result.mmd2 - expected) < 1e-12);
  });
});

describe('domain classifier', () => {
  it('should separate shifted rows (AUC high, p tiny) and not clean ones', () => {
    const shifted = domainClassifierTest(gaussian(300, 16, 9), gaussian(80, 16, 10, 1.5), 16, {
      folds: 5,
      l2: 1,
    });
    assert.ok(shifted.auc > 0.75, `AUC ${shifted.auc}`);
    assert.ok(shifted.pValue < 1e-4);
    assert.ok(Math.abs(shifted.effect - (2 * shifted.auc - 1)) < 1e-12);
    const clean = domainClassifierTest(gaussian(300, 16, 11), gaussian(80, 16, 12), 16, { folds: 5, l2: 1 });
    assert.ok(clean.auc < 0.62 && clean.pValue > 0.05, `AUC ${clean.auc} p ${clean.pValue}`);
  });

  it('should compute AUC with mid-ranks for ties', () => {
    const { auc } = mannWhitney(Float64Array.from([1, 2, 2, 3]), Uint8Array.from([0, 0, 1, 1]));
    // Pairs (pos, neg): (2,1) win, (2,2) tie, (3,1) win, (3,2) win → 3.5 / 4.
    assert.equal(auc, 0.875);
  });
});

describe('class mix', () => {
  it('should give the textbook chi-square of a 2×2 table', () => {
    const result = classMixTest([50, 50], [30, 70]);
    assert.ok(Math.abs(result.chiSquare - 8.3333) < 1e-3);
    assert.ok(Math.abs(result.pValue - 0.00389) < 1e-4);
    assert.ok(Math.abs(result.cramersV - Math.sqrt(8.3333 / 200)) < 1e-4);
  });

  it('should give PSI = Σ (w − r) ln(w / r) and place it in its band', () => {
    const result = psi([50000, 50000], [60000, 40000]);
    assert.ok(Math.abs(result.psi - (0.1 * Math.log(1.2) - 0.1 * Math.log(0.8))) < 1e-4);
    assert.equal(result.band, 'stable');
    assert.equal(psi([100, 100, 100], [10, 10, 280]).band, 'significant');
  });

  it("should not call a small window's sampling noise drift, though its PSI crosses 0.2", () => {
    const reference = [36, 36, 36, 36, 36, 36, 36, 36, 36, 36, 36];
    const window = [10, 1, 10, 2, 8, 2, 8, 3, 7, 3, 6];
    const result = psi(reference, window);
    assert.ok(result.psi > 0.2, `PSI ${result.psi}`);
    assert.ok(result.pValue > 0.05, `p ${result.pValue}`);
  });
});

describe('confidence', () => {
  it("should measure a mean shift with Welch's test and Cohen's d", () => {
    const random = seededRandom(3);
    const reference = Array.from({ length: 400 }, () => 0.8 + 0.1 * normal(random));
    const lower = Array.from({ length: 60 }, () => 0.6 + 0.1 * normal(random));
    const result = meanShiftTest(reference, lower, 'less');
    assert.ok(result.pValue < 1e-6);
    assert.ok(Math.abs(result.cohensD + 2) < 0.4, `d = ${result.cohensD}`);
    assert.ok(
      meanShiftTest(
        reference,
        lower.map((v) => v + 0.2),
      ).pValue > 0.01,
    );
  });

  it('should estimate accuracy as the mean confidence with a Poisson-binomial interval', () => {
    const result = estimateAccuracy(new Array(100).fill(0.9));
    assert.ok(Math.abs(result.estimate - 0.9) < 1e-12);
    assert.ok(Math.abs(result.high - result.estimate - 0.0588) < 1e-4);
  });

  it('should cover the realised accuracy of calibrated predictions about 95 % of the time', () => {
    const random = seededRandom(4);
    let covered = 0;
    for (let run = 0; run < 400; run++) {
      const confidences = Array.from({ length: 60 }, () => 0.5 + 0.5 * random());
      const right = confidences.filter((c) => random() < c).length / 60;
      const { low, high } = estimateAccuracy(confidences);
      if (right >= low && right <= high) covered++;
    }
    assert.ok(covered >= 360 && covered <= 395, `${covered} of 400`);
  });
});

describe('DDM', () => {
  it('should stay stable on a steady error rate and signal drift soon after it jumps', () => {
    const random = seededRandom(5);
    const ddm = new Ddm();
    for (let i = 0; i < 1000; i++)
      assert.notEqual(ddm.update(random() < 0.05), 'drift', `false drift at ${i}`);
    let detectedAt = -1;
    for (let i = 0; i < 500 && detectedAt < 0; i++)
      if (ddm.update(random() < 0.3) === 'drift') detectedAt = i;
    // DDM's rate is cumulative since its last reset, so 1,000 quiet predictions slow it down (a known
    // weakness; ADWIN's windows forget faster).
    assert.ok(detectedAt >= 0 && detectedAt < 300, `detected after ${detectedAt}`);
  });

  it('should not fire on the first error after an error-free start', () => {
    const ddm = new Ddm();
    for (let i = 0; i < 40; i++) ddm.update(false);
    assert.notEqual(ddm.update(true), 'drift');
  });
});

describe('correction rate', () => {
  it('should find the one class whose correction rate rose', () => {
    const baseline = Array.from({ length: 11 }, () => ({ predicted: 500, corrected: 25 }));
    const window = Array.from({ length: 11 }, (_, c) => ({ predicted: 50, corrected: c === 3 ? 15 : 3 }));
    const result = correctionRateTest(window, baseline);
    assert.ok(result.pValue < 0.001);
    assert.ok(Math.abs(result.effect - 0.25) < 1e-12);
    const steady = correctionRateTest(
      Array.from({ length: 11 }, () => ({ predicted: 50, corrected: 3 })),
      baseline,
    );
    assert.ok(steady.pValue > 0.05);
  });
});

describe('random projection', () => {
  it('should be fixed by its seed and keep distances roughly', () => {
    const a = new RandomProjection(14, 64, 32);
    const b = new RandomProjection(14, 64, 32);
    const c = new RandomProjection(15, 64, 32);
    const random = seededRandom(6);
    const u = Array.from({ length: 64 }, () => normal(random));
    const v = Array.from({ length: 64 }, () => normal(random));
    assert.deepEqual(a.project(u), b.project(u));
    assert.notDeepEqual(a.project(u), c.project(u));
    const distance = (p: number[], q: number[]) => Math.hypot(...p.map((x, i) => x - q[i]!));
    const ratio = distance(a.project(u), a.project(v)) / distance(u, v);
    assert.ok(ratio > 0.6 && ratio < 1.4, `ratio ${ratio}`);
    assert.throws(() => a.project([1, 2]), /64/);
  });
});
