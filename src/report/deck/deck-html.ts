import { escapeMarkup } from '../markup.js';
import type { Slide } from './slide.js';

export interface DeckMeta {
  readonly title: string;
  readonly subtitle: string;
  readonly date: string;
  readonly commit: string;
}

/** 16:9 at 96 CSS px per inch: 13.333 in × 7.5 in. */
export const slideSize = { widthPx: 1280, heightPx: 720 } as const;

const css = `
@page { size: 13.333in 7.5in; margin: 0 }
* { box-sizing: border-box }
html, body { margin: 0; padding: 0 }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #1d1d1f; -webkit-print-color-adjust: exact; print-color-adjust: exact }
.page { width: 1280px; height: 720px; position: relative; overflow: hidden; page-break-after: always; break-after: page; padding: 44px 56px 40px }
.slide { background: #fff }
.slide::before { content: ""; position: absolute; left: 0; top: 0; bottom: 0; width: 10px; background: #0072B2 }
.notes { background: #f6f6f4 }
h1 { font-size: 32px; margin: 0 0 6px; line-height: 1.15 }
.headline { font-size: 19px; color: #0b4f7c; margin: 0 0 18px; line-height: 1.3; max-width: 1150px }
.content { position: absolute; left: 56px; right: 56px; top: 150px; bottom: 46px }
.footer { position: absolute; left: 56px; right: 56px; bottom: 14px; font-size: 11px; color: #777; display: flex; justify-content: space-between }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 28px; height: 100% }
.cols.wide-left { grid-template-columns: 1.4fr 1fr }
.cols.wide-right { grid-template-columns: 1fr 1.4fr }
.box { overflow: hidden }
p, li { font-size: 18px; line-height: 1.38; margin: 0 0 8px }
ul { margin: 0; padding-left: 20px }
table { border-collapse: collapse; font-size: 15px; width: 100% }
th, td { padding: 5px 8px; border-bottom: 1px solid #ddd; text-align: right; white-space: nowrap }
th:first-child, td:first-child { text-align: left }
th { background: #eef3f8; font-weight: 600 }
tr.diff td { background: #fff4d6 }
tr.wrap td { white-space: normal }
td.best { font-weight: 700 }
.small { font-size: 12px; color: #555 }
.kpis { display: grid; grid-template-columns: repeat(3, 1fr); gap: 18px; margin-bottom: 18px }
.kpi { border: 1px solid #d8dee6; border-radius: 8px; padding: 14px 16px }
.kpi .value { font-size: 34px; font-weight: 700; color: #0072B2 }
.kpi .label { font-size: 14px; color: #444; margin-top: 4px }
.missing { border: 2px dashed #D55E00; border-radius: 8px; padding: 14px 18px; color: #7a2e00; background: #fff6f0; font-size: 15px; margin-bottom: 12px }
.missing code { font-size: 14px }
svg { width: 100%; height: auto; display: block }
img.sheet { max-width: 100%; max-height: 100%; display: block }
.title-page h1 { font-size: 46px; margin-top: 120px }
.title-page .headline { font-size: 24px; margin-top: 12px }
.notes h2 { font-size: 20px; margin: 0 0 14px; color: #555 }
.notes p { font-size: 18px; line-height: 1.45 }
code { font-family: "DejaVu Sans Mono", monospace; font-size: 13px }
`;

/** The whole deck as one HTML document: each slide followed by its notes page. */
export function deckHtml(slides: readonly Slide[], meta: DeckMeta): string {
  const total = slides.length;
  const pages = slides.flatMap((slide, i) => {
    const n = i + 1;
    const footer = `<div class="footer"><span>${escapeMarkup(meta.title)} · ${escapeMarkup(meta.date)} · results at ${escapeMarkup(meta.commit)}</span><span>${n} / ${total}</span></div>`;
    const slidePage = `<section class="page slide${i === 0 ? ' title-page' : ''}" data-slide="${n}"><h1>${escapeMarkup(slide.title)}</h1><p class="headline">${escapeMarkup(slide.headline)}</p>${i === 0 ? `<div class="box">${slide.body}</div>` : `<div class="content box">${slide.body}</div>`}${footer}</section>`;
    const notesPage = `<section class="page notes" data-notes="${n}"><h2>Speaker notes · slide ${n}: ${escapeMarkup(slide.title)}</h2>${slide.notes.map((p) => `<p>${escapeMarkup(p)}</p>`).join('')}${footer}</section>`;
    return [slidePage, notesPage];
  });
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeMarkup(meta.title)}</title><style>${css}</style></head><body>${pages.join('')}</body></html>`;
}
