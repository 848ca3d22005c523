import { html, type SafeHtml } from '../html.js';
import type { Page, Photo } from '../photo-repository.js';
import { categoryCounts, confidenceBar, pager, photoAlt, photoGrid, uploadForm } from './components.js';
import { categoryUrl, layout, type PageContext, percent } from './layout.js';

/**
 * Upload first, then the newest photos, then the counts: on a 390-px phone the first photos sit above the fold
 * (the 11-row count list used to push them 1,155 px down); on a wide screen the counts sit beside the form.
 */
export function homePage(
  context: PageContext,
  recent: readonly Photo[],
  counts: ReadonlyMap<string, number>,
  notice?: 'deleted',
): SafeHtml {
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return layout(
    'Share your food',
    context,
    html`<div class="home">
${notice === 'deleted' ? html`<p class="notice home-notice" role="status">Your photo was deleted.</p>` : ''}
<section class="hero" aria-labelledby="share-title">
  <h1 id="share-title">What's on your plate?</h1>
  <p class="lead">Share a photo and GourmetGram files it under the right dish in a moment.</p>
  ${uploadForm(context.csrf, context.edgeManifest)}
</section>
<section class="recent" aria-labelledby="recent-title">
  <h2 id="recent-title">Fresh from the kitchen</h2>
  ${photoGrid(recent, 'No photos yet. Be the first to share one!', context.lowConfidence)}
</section>
<aside class="browse" aria-labelledby="counts-title">
  <h2 id="counts-title">Browse ${total} ${total === 1 ? 'photo' : 'photos'}</h2>
  ${categoryCounts(context.categories, counts)}
</aside>
</div>`,
    '/static/app/web/upload.js',
  );
}

export interface PhotoPageOptions {
  readonly lowConfidence: number;
  readonly canDelete: boolean;
  readonly corrected: boolean;
}

export function photoPage(context: PageContext, photo: Photo, options: PhotoPageOptions): SafeHtml {
  const unsure = photo.confidence < options.lowConfidence;
  const runnersUp = photo.top.filter((s) => s.category !== photo.predictedCategory).slice(0, 2);
  const title = photo.caption ?? photo.category;
  return layout(
    title,
    { ...context, current: photo.category },
    html`<article class="photo">
  <figure>
    <img src="/photos/${photo.id}/image" alt="${photoAlt(photo, options.lowConfidence)}" width="${photo.width}" height="${photo.height}">
    ${photo.caption ? html`<figcaption>${photo.caption}</figcaption>` : ''}
  </figure>
  <div class="verdict">
    ${options.corrected ? html`<p class="notice" role="status">Thanks! Your correction helps the model learn.</p>` : ''}
    ${
      unsure
        ? html`<p class="eyebrow">Not sure</p>
    <h1>Maybe <a href="${categoryUrl(photo.predictedCategory)}">${photo.predictedCategory}</a>?</h1>
    <p class="unsure">The model is only ${percent(photo.confidence)} confident about this one. ${
      runnersUp.length
        ? html`It could also be ${runnersUp.map((s, i) => html`${i ? ' or ' : ''}<strong>${s.category}</strong>`)}.`
        : ''
    }</p>`
        : html`<p class="eyebrow">Looks like</p>
    <h1><a href="${categoryUrl(photo.predictedCategory)}">${photo.predictedCategory}</a></h1>`
    }
    ${
      photo.category !== photo.predictedCategory
        ? html`<p class="community">The community says it is <a href="${categoryUrl(photo.category)}"><strong>${photo.category}</strong></a>.</p>`
        : ''
    }
    <dl class="scores">
      ${photo.top
        .slice(0, 3)
        .map(
          (s) =>
            html`<div class="score"><dt>${s.category}</dt><dd>${confidenceBar(s.confidence)} <span>${percent(s.confidence)}</span></dd></div>`,
        )}
    </dl>
    <p class="meta">Classified in <span class="timing">${photo.latencyMs.toFixed(0)} ms</span> by ${photo.model} v${photo.modelVersion}
      · shared <time datetime="${photo.createdAt}">${photo.createdAt.slice(0, 10)}</time></p>
    <details class="correct"${unsure ? ' open' : ''}>
      <summary>Wrong category?</summary>
      <form action="/photos/${photo.id}/corrections" method="post">
        <input type="hidden" name="_csrf" value="${context.csrf}">
        <label for="category">The right category is</label>
        <select id="category" name="category" required>
          ${context.categories.map((c) => html`<option value="${c}"${c === photo.category ? ' selected' : ''}>${c}</option>`)}
        </select>
        <button type="submit">Send correction</button>
      </form>
    </details>
    ${
      // Two steps without any script: open the disclosure, then confirm.
      options.canDelete
        ? html`<details class="delete">
      <summary>Delete this photo</summary>
      <form action="/photos/${photo.id}/delete" method="post">
        <input type="hidden" name="_csrf" value="${context.csrf}">
        <p>This removes the photo and its thumbnail for good.</p>
        <button type="submit" class="danger">Yes, delete it</button>
      </form>
    </details>`
        : ''
    }
  </div>
</article>`,
  );
}

export function categoryPage(context: PageContext, category: string, page: Page<Photo>): SafeHtml {
  return layout(
    category,
    { ...context, current: category },
    html`<section>
  <h1>${category} <span class="count-title">${page.total} ${page.total === 1 ? 'photo' : 'photos'}</span></h1>
  ${photoGrid(page.items, `No ${category.toLowerCase()} photos yet.`, context.lowConfidence)}
  ${pager(page, (n) => categoryUrl(category, n))}
</section>`,
  );
}

export function errorPage(context: PageContext, statusCode: number, message: string): SafeHtml {
  const heading =
    statusCode === 404
      ? 'We could not find that'
      : statusCode === 413
        ? 'That photo is too big'
        : statusCode === 415
          ? 'That is not a photo we can read'
          : statusCode === 422
            ? 'That photo seems to be damaged'
            : statusCode === 429
              ? 'Slow down a little'
              : statusCode >= 500
                ? 'Something went wrong on our side'
                : 'That did not work';
  return layout(
    heading,
    context,
    html`<section class="error-page">
  <p class="eyebrow">Error ${statusCode}</p>
  <h1>${heading}</h1>
  <p>${message}</p>
  <p><a class="button" href="/">Back to the kitchen</a></p>
</section>`,
  );
}
