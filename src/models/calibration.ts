/**
 * Temperature scaling (Guo et al., 2017) on probabilities: p' = softmax(log p / T). One parameter, fitted on
 * validation by minimising the negative log-likelihood; the ranking of classes, and so top-1, never changes.
 */
export function calibrate(probabilities: Float32Array, classes: number, temperature: number): Float32Array {
  const out = new Float32Array(probabilities.length);
  for (let row = 0; row < probabilities.length; row += classes) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) {
      const v = Math.log(probabilities[row + c]! + calibrationEpsilon) / temperature;
      out[row + c] = v;
      max = Math.max(max, v);
    }
    let total = 0;
    for (let c = 0; c < classes; c++) {
      const e = Math.exp(out[row + c]! - max);
      out[row + c] = e;
      total += e;
    }
    for (let c = 0; c < classes; c++) out[row + c]! /= total;
  }
  return out;
}

/** Added before the logarithm, in the graph too, so a zero probability stays finite. */
export const calibrationEpsilon = 1e-7;

/** The temperature that minimises validation NLL, by golden-section search over log T in [1/20, 20]. */
export function fitTemperature(
  probabilities: Float32Array,
  labels: ArrayLike<number>,
  classes: number,
): number {
  const nll = (logT: number) => {
    const p = calibrate(probabilities, classes, Math.exp(logT));
    let sum = 0;
    for (let i = 0; i < labels.length; i++) sum -= Math.log(p[i * classes + labels[i]!]! + 1e-12);
    return sum / labels.length;
  };
  let low = Math.log(1 / 20);
  let high = Math.log(20);
  const ratio = (Math.sqrt(5) - 1) / 2;
  let a = high - ratio * (high - low);
  let b = low + ratio * (high - low);
  let fa = nll(a);
  let fb = nll(b);
  for (let i = 0; i < 60; i++) {
    if (fa < fb) {
      high = b;
      b = a;
      fb = fa;
      a = high - ratio * (high - low);
      fa = nll(a);
    } else {
      low = a;
      a = b;
      fa = fb;
      b = low + ratio * (high - low);
      fb = nll(b);
    }
  }
  return Math.exp((low + high) / 2);
}
