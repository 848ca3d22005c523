import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OutcomeWindow } from './outcome-window.js';

describe('OutcomeWindow', () => {
  it('should say failing while failures outnumber answers within the window, then forget them', () => {
    const window = new OutcomeWindow(1000);
    assert.equal(window.failing(0), false, 'nothing yet');
    for (let i = 0; i < 5; i++) window.record(100, 'failed');
    window.record(200, 'served');
    assert.equal(window.failing(300), true);
    for (let i = 0; i < 10; i++) window.record(900, 'served');
    assert.equal(window.failing(950), false, 'eleven served beat five failed');
    window.record(1100, 'failed');
    assert.equal(window.failing(1150), false, 'the previous second still counts its answers');
    assert.equal(window.failing(3500), false, 'two windows later everything is forgotten');
  });

  it('should reject a window that is not positive', () => {
    assert.throws(() => new OutcomeWindow(0), RangeError);
  });
});
