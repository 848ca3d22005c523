import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csrfToken, parseCookies, safeEqual } from './security.js';

describe('security helpers', () => {
  it('should parse cookies and skip malformed ones', () => {
    const cookies = parseCookies('a=1; gg_owner=abc%20d; broken=%E0%A4%A; =x; flag');
    assert.equal(cookies.get('a'), '1');
    assert.equal(cookies.get('gg_owner'), 'abc d');
    assert.equal(cookies.has('broken'), false);
    assert.equal(cookies.size, 2);
  });

  it('should give each owner a different CSRF token, stable for one secret', () => {
    assert.equal(csrfToken('s', 'owner-1'), csrfToken('s', 'owner-1'));
    assert.notEqual(csrfToken('s', 'owner-1'), csrfToken('s', 'owner-2'));
    assert.notEqual(csrfToken('s', 'owner-1'), csrfToken('t', 'owner-1'));
  });

  it('should compare secrets of any length without throwing', () => {
    assert.equal(safeEqual('abc', 'abc'), true);
    assert.equal(safeEqual('abc', 'abcd'), false);
    assert.equal(safeEqual('', 'x'), false);
  });
});
