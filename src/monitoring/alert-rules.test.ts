import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConditionTracker, percentile, windowAlert } from './alert-rules.js';
import type { ReportWindow } from './monitor-report.js';

function window(i: number, drifting: readonly string[]): ReportWindow {
  const names = ['embedding_mmd', 'image_brightness_ks', 'accuracy_estimate', 'corrections_ddm'];
  return {
    start: `2026-12-0${i}T00:00:00.000Z`,
    end: `2026-12-0${i}T01:00:00.000Z`,
    n: 60,
    tests: names.map((name) => ({
      name,
      statistic: 0,
      p_value: 0.5,
      effect: 0,
      drift: drifting.includes(name),
    })),
    accuracy_estimate: { estimate: 0.9, low: 0.85, high: 0.95, reference: 0.9 },
  };
}

describe('window alerts', () => {
  it('should be pending after one drifting window and firing after persistence windows in a row', () => {
    const clean = window(1, []);
    const shifted = window(2, ['image_brightness_ks']);
    assert.equal(windowAlert('data_drift', [clean], 2).state, 'ok');
    assert.equal(windowAlert('data_drift', [clean, shifted], 2).state, 'pending');
    const firing = windowAlert('data_drift', [clean, shifted, window(3, ['embedding_mmd'])], 2);
    assert.equal(firing.state, 'firing');
    assert.equal(firing.since, shifted.start);
    assert.match(firing.detail, /embedding_mmd flagged in 2 consecutive windows/);
  });

  it('should read only its own tests: a drop in estimated accuracy is not data drift', () => {
    const windows = [window(1, ['accuracy_estimate']), window(2, ['accuracy_estimate'])];
    assert.equal(windowAlert('data_drift', windows, 2).state, 'ok');
    assert.equal(windowAlert('accuracy_drop', windows, 2).state, 'firing');
    assert.equal(windowAlert('correction_rate_rise', [window(1, ['corrections_ddm'])], 1).state, 'firing');
  });

  it('should say so when there is no full window yet', () => {
    assert.deepEqual(windowAlert('data_drift', [], 2), {
      name: 'data_drift',
      state: 'ok',
      detail: 'no full window yet',
      since: null,
    });
  });
});

describe('condition alerts', () => {
  it('should fire after persistence failing evaluations and clear on the first passing one', () => {
    const tracker = new ConditionTracker(3);
    const t = (minute: number) => new Date(Date.UTC(2026, 11, 2, 12, minute));
    assert.equal(tracker.update('latency_p99', true, 'slow', t(0)).state, 'pending');
    assert.equal(tracker.update('latency_p99', true, 'slow', t(1)).state, 'pending');
    const firing = tracker.update('latency_p99', true, 'slow', t(2));
    assert.equal(firing.state, 'firing');
    assert.equal(firing.since, t(0).toISOString());
    assert.equal(tracker.update('error_rate', true, 'errors', t(2)).state, 'pending', 'rules count apart');
    assert.equal(tracker.update('latency_p99', false, 'fine', t(3)).state, 'ok');
    assert.equal(tracker.update('latency_p99', true, 'slow', t(4)).state, 'pending');
  });
});

describe('percentile', () => {
  it('should interpolate between order statistics', () => {
    assert.equal(percentile([5, 1, 3, 2, 4], 50), 3);
    assert.equal(percentile([1, 2, 3, 4], 50), 2.5);
    assert.equal(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 99), 10.9);
    assert.ok(Number.isNaN(percentile([], 99)));
  });
});
