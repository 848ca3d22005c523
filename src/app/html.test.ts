import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { html, raw } from './html.js';

describe('html', () => {
  it('should escape every interpolated string', () => {
    const caption = `<script>alert("x")</script> & 'quotes' \`tick\``;
    assert.equal(
      html`<p title="${caption}">${caption}</p>`.value,
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39; &#96;tick&#96;">' +
        '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39; &#96;tick&#96;</p>',
    );
  });

  it('should keep nested templates and raw markup, and drop null, undefined and false', () => {
    const items = ['a<b', 'c'].map((x) => html`<li>${x}</li>`);
    assert.equal(
      html`<ul>${items}</ul>${null}${undefined}${false}${raw('<hr>')}${0}`.value,
      '<ul><li>a&lt;b</li><li>c</li></ul><hr>0',
    );
  });
});
