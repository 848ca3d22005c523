import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adminVoter, shownCategory, type Vote } from './correction-votes.js';

const votes = (...pairs: [string, string][]): Vote[] =>
  pairs.map(([voterHash, category]) => ({ voterHash, category }));

describe('shownCategory', () => {
  it('should keep the prediction until a quorum of visitors agrees', () => {
    assert.equal(shownCategory('Bread', 'o', votes(['a', 'Soup'], ['b', 'Soup']), 3), 'Bread');
    assert.equal(shownCategory('Bread', 'o', votes(['a', 'Soup'], ['b', 'Soup'], ['c', 'Soup']), 3), 'Soup');
  });

  it('should never follow the last writer when votes disagree', () => {
    const split = votes(['a', 'Soup'], ['b', 'Soup'], ['c', 'Rice'], ['d', 'Rice'], ['e', 'Egg']);
    assert.equal(shownCategory('Bread', 'o', split, 2), 'Bread');
    assert.equal(shownCategory('Bread', 'o', [...split, { voterHash: 'f', category: 'Rice' }], 2), 'Rice');
  });

  it("should follow the owner's vote alone, and the admin's above it", () => {
    assert.equal(shownCategory('Bread', 'o', votes(['a', 'Soup'], ['b', 'Soup'], ['o', 'Egg']), 2), 'Egg');
    assert.equal(shownCategory('Bread', 'o', votes(['o', 'Egg'], [adminVoter, 'Rice']), 2), 'Rice');
  });

  it('should refuse a quorum that is not a positive integer', () => {
    assert.throws(() => shownCategory('Bread', 'o', [], 0), /bug/);
  });
});
