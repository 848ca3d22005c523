const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/**
 * Escapes text for HTML and SVG alike, in element content and in quoted attributes: numeric references for the
 * quotes and the backtick are valid in both, where `&apos;` is not HTML 4 and a bare backtick can end an
 * unquoted attribute in old browsers.
 *
 * @example
 * escapeMarkup('<b>"Tom & Jerry"</b>') // '&lt;b&gt;&quot;Tom &amp; Jerry&quot;&lt;/b&gt;'
 */
export function escapeMarkup(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => entities[c]!);
}
