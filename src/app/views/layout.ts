import { html, type SafeHtml } from '../html.js';

export interface PageContext {
  readonly csrf: string;
  readonly categories: readonly string[];
  /** Below this confidence the model's guess is shown as a question ("not sure"). */
  readonly lowConfidence: number;
  /** Where the browser finds the in-browser model's manifest; absent when the server classifies alone. */
  readonly edgeManifest?: string | undefined;
  /** The category the page is about, to mark it in the navigation. */
  readonly current?: string;
}

/** "Noodles/Pasta" → "noodles-pasta": the category part of a URL. */
export function categorySlug(category: string): string {
  return category
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export function categoryUrl(category: string, page = 1): string {
  return `/categories/${categorySlug(category)}${page > 1 ? `?page=${page}` : ''}`;
}

export function percent(confidence: number): string {
  return `${Math.round(confidence * 100)}%`;
}

/** `script`: one of our ES modules (web/, served under /static/app/) that enhances the page; never required. */
export function layout(title: string, context: PageContext, body: SafeHtml, script?: string): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · GourmetGram</title>
<link rel="stylesheet" href="/static/style.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<meta name="color-scheme" content="light dark">
${script ? html`<script type="module" src="${script}"></script>` : ''}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site-header">
  <a class="brand" href="/"><span class="brand-mark" aria-hidden="true">G</span>GourmetGram</a>
  <nav aria-label="Categories">
    <ul class="category-nav">
      ${context.categories.map(
        (c) =>
          html`<li><a href="${categoryUrl(c)}"${context.current === c ? html` aria-current="page"` : ''}>${c}</a></li>`,
      )}
    </ul>
  </nav>
</header>
<main id="main">
${body}
</main>
<footer class="site-footer">
  <p>GourmetGram sorts every photo into one of ${context.categories.length} food categories the moment it arrives.
  Photos are stored without location or camera data.</p>
</footer>
</body>
</html>
`;
}
