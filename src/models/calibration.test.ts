import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calibrate, fitTemperature } from './calibration.js';

describe('temperature scaling', () => {
  it('should soften overconfident predictions and keep their ranking', () => {
    // Always 99% sure, right only 60% of the time: the fitted temperature must be above 1.
    const classes = 3;
    const n = 100;
    const probabilities = new Float32Array(n * classes);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      probabilities.set([0.99, 0.005, 0.005], i * classes);
      labels[i] = i % 10 < 6 ? 0 : 1;
    }
    const temperature = fitTemperature(probabilities, labels, classes);
    assert.ok(temperature > 1.5, `temperature ${temperature}`);
    const calibrated = calibrate(probabilities, classes, temperature);
    assert.ok(Math.abs(calibrated[0]! - 0.6) < 0.05, `confidence ${calibrated[0]} is near the accuracy`);
    assert.ok(calibrated[0]! > calibrated[1]!);
  });

  it('should leave probabilities unchanged at temperature 1', () => {
    const p = Float32Array.from([0.7, 0.2, 0.1]);
    const q = calibrate(p, 3, 1);
    for (let i = 0; i < 3; i++) assert.ok(Math.abs(p[i]! - q[i]!) < 1e-6);
  });
});
