import { html, type SafeHtml } from '../html.js';
import type { Page, Photo } from '../photo-repository.js';
import { categoryUrl, percent } from './layout.js';

/** Whether the category shown is the model's low-confidence guess (a community correction is not a guess). */
export function isUnsure(photo: Photo, lowConfidence: number): boolean {
  return photo.category === photo.predictedCategory && photo.confidence < lowConfidence;
}

/**
 * Alt text that describes the photo without stating the model's guess as fact: the caption is the uploader's
 * own words; the category is said to be where the photo is filed, hedged when the model was unsure.
 */
export function photoAlt(photo: Photo, lowConfidence: number): string {
  const subject = photo.caption ?? 'A food photo';
  if (photo.category !== photo.predictedCategory)
    return `${subject}, filed under ${photo.category} by the community`;
  if (isUnsure(photo, lowConfidence)) return `${subject}; the model's unsure guess is ${photo.category}`;
  return `${subject}, filed under ${photo.category} by the model`;
}

export function photoCard(photo: Photo, lowConfidence: number): SafeHtml {
  const unsure = isUnsure(photo, lowConfidence);
  return html`<li class="card">
  <a href="/photos/${photo.id}">
    <img src="/photos/${photo.id}/thumb" alt="${photoAlt(photo, lowConfidence)}" width="240" height="240" loading="lazy">
    <span class="card-body">
      <span class="chips"><span class="chip">${photo.category}${unsure ? '?' : ''}</span>${
        unsure ? html`<span class="badge-unsure">not sure</span>` : ''
      }</span>
      ${photo.caption ? html`<span class="card-caption">${photo.caption}</span>` : ''}
    </span>
  </a>
</li>`;
}

export function photoGrid(photos: readonly Photo[], empty: string, lowConfidence: number): SafeHtml {
  if (photos.length === 0) return html`<p class="empty">${empty}</p>`;
  return html`<ul class="grid">${photos.map((p) => photoCard(p, lowConfidence))}</ul>`;
}

export function pager(page: Page<unknown>, urlFor: (page: number) => string): SafeHtml {
  const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
  if (pages <= 1) return html``;
  return html`<nav class="pager" aria-label="Pages">
  ${page.page > 1 ? html`<a rel="prev" href="${urlFor(page.page - 1)}">← Newer</a>` : html`<span></span>`}
  <span>Page ${page.page} of ${pages}</span>
  ${page.page < pages ? html`<a rel="next" href="${urlFor(page.page + 1)}">Older →</a>` : html`<span></span>`}
</nav>`;
}

export function uploadForm(csrf: string, edgeManifest: string | undefined): SafeHtml {
  return html`<form class="upload" action="/upload" method="post" enctype="multipart/form-data"${
    edgeManifest ? html` data-edge-manifest="${edgeManifest}"` : ''
  }>
  <input type="hidden" name="_csrf" value="${csrf}">
  <label class="file-drop">
    <span class="file-title">Choose a food photo</span>
    <span class="hint">JPEG, PNG or WebP<span class="drop-hint">, or drop one here</span></span>
    <input type="file" name="photo" accept="image/jpeg,image/png,image/webp" required>
  </label>
  <label for="caption">Caption <span class="hint">(optional)</span></label>
  <input id="caption" type="text" name="caption" maxlength="280" placeholder="Sunday ramen with a soft egg">
  <button type="submit">Share and classify</button>
</form>`;
}

export function categoryCounts(categories: readonly string[], counts: ReadonlyMap<string, number>): SafeHtml {
  return html`<ul class="counts">
  ${categories.map(
    (c) =>
      html`<li><a href="${categoryUrl(c)}"><span>${c}</span><span class="count">${counts.get(c) ?? 0}</span></a></li>`,
  )}
</ul>`;
}

export function confidenceBar(confidence: number): SafeHtml {
  return html`<meter min="0" max="1" low="0.5" high="0.8" optimum="1" value="${confidence.toFixed(3)}">${percent(confidence)}</meter>`;
}
