import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSafeMethod, newToken, safeEqual, validOwnerToken } from './security.js';

describe('security helpers', () => {
  it('should mint owner tokens that the cookie check accepts', () => {
    const token = newToken();
    assert.match(token, validOwnerToken);
    assert.notEqual(token, newToken());
  });

  it('should compare secrets of any length without throwing', () => {
    assert.equal(safeEqual('abc', 'abc'), true);
    assert.equal(safeEqual('abc', 'abcd'), false);
    assert.equal(safeEqual('', 'x'), false);
  });

  it('should treat only GET and HEAD as safe', () => {
    assert.deepEqual(['GET', 'HEAD', 'POST', 'DELETE', 'PUT', 'PATCH'].map(isSafeMethod), [
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
  });
});
