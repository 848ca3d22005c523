import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BodyBudget } from './body-budget.js';

describe('BodyBudget', () => {
  it('should hold bodies up to its limit and give the bytes back once per ticket', () => {
    const budget = new BodyBudget({ body_budget_bytes: 100, max_body_bytes: 60 });
    const first = budget.tryHold(60);
    assert.ok(first);
    assert.equal(budget.tryHold(60), undefined, '60 + 60 passes 100');
    const second = budget.tryHold(40);
    assert.ok(second);
    assert.equal(budget.held, 100);
    assert.equal(budget.full, true);
    first.release();
    first.release();
    assert.equal(budget.held, 40, 'a second release gives nothing back');
  });

  it('should count a body at most as one largest body, and never set its limit below one', () => {
    const budget = new BodyBudget({ body_budget_bytes: 10, max_body_bytes: 50 });
    assert.equal(budget.limit, 50);
    assert.ok(budget.tryHold(1_000_000));
    assert.equal(budget.held, 50);
  });

  it('should default to four largest bodies', () => {
    assert.equal(new BodyBudget({ max_body_bytes: 25 }).limit, 100);
  });
});
