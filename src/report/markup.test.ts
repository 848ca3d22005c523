import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeMarkup } from './markup.js';

describe('escapeMarkup', () => {
  it('should escape the five HTML specials and the backtick only', () => {
    assert.equal(
      escapeMarkup(`<a href="x">'Tom' & \`Jerry\`</a>`),
      '&lt;a href=&quot;x&quot;&gt;&#39;Tom&#39; &amp; &#96;Jerry&#96;&lt;/a&gt;',
    );
    assert.equal(escapeMarkup('élan 🍜 /'), 'élan 🍜 /');
  });
});
