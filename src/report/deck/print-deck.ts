import { PDFDocument } from 'pdf-lib';
import { launchChromium } from '../chromium.js';

/** Text or a box that does not fit where it is drawn, measured in the laid-out page. */
export interface OverflowFinding {
  readonly page: string;
  readonly element: string;
  readonly text: string;
  readonly kind: 'outside-page' | 'clipped-box' | 'outside-chart';
}

export interface PdfMetadata {
  readonly title: string;
  readonly author: string;
  readonly subject: string;
  readonly keywords: readonly string[];
  readonly created: Date;
}

/**
 * Lays the deck out in real Chromium, measures every text box against its page, box and chart, and prints it
 * to PDF; the metadata Chromium cannot set (author, subject, keywords) is written with pdf-lib.
 */
export async function printDeck(
  html: string,
  chromium: string | undefined,
  meta: PdfMetadata,
): Promise<{ pdf: Uint8Array; overflow: OverflowFinding[] }> {
  const browser = await launchChromium(chromium);
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.emulateMedia({ media: 'print' });
    await page.setContent(html, { waitUntil: 'load' });
    await page.evaluate(() =>
      (
        globalThis as unknown as { document: { fonts: { ready: Promise<unknown> } } }
      ).document.fonts.ready.then(() => undefined),
    );
    const overflow = await page.evaluate(measureOverflow);
    const printed = await page.pdf({ preferCSSPageSize: true, printBackground: true, tagged: true });
    return { pdf: await withMetadata(printed, meta), overflow };
  } finally {
    await browser.close();
  }
}

async function withMetadata(pdf: Uint8Array, meta: PdfMetadata): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  doc.setTitle(meta.title);
  doc.setAuthor(meta.author);
  doc.setSubject(meta.subject);
  doc.setKeywords([...meta.keywords]);
  doc.setCreator('gourmetgram report');
  doc.setProducer('Chromium (Skia/PDF) + pdf-lib');
  doc.setCreationDate(meta.created);
  doc.setModificationDate(meta.created);
  return doc.save();
}

/** The little of the DOM the measurement uses: the project compiles without the DOM library. */
interface PageRect {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
  readonly width: number;
  readonly height: number;
}
interface PageElement {
  readonly tagName: string;
  readonly className: unknown;
  readonly textContent: string | null;
  readonly scrollHeight: number;
  readonly clientHeight: number;
  readonly scrollWidth: number;
  readonly clientWidth: number;
  readonly dataset?: Record<string, string | undefined>;
  getBoundingClientRect(): PageRect;
  closest(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
}

/** Runs inside the page: a self-contained function, so it may use only the DOM. */
function measureOverflow(): OverflowFinding[] {
  const doc = (globalThis as unknown as { document: PageElement }).document;
  const findings: OverflowFinding[] = [];
  const tolerance = 0.5;
  const outside = (inner: PageRect, outer: PageRect) =>
    inner.left < outer.left - tolerance ||
    inner.right > outer.right + tolerance ||
    inner.top < outer.top - tolerance ||
    inner.bottom > outer.bottom + tolerance;
  const describe = (el: PageElement) =>
    `${el.tagName.toLowerCase()}${typeof el.className === 'string' && el.className ? `.${el.className.split(' ').join('.')}` : ''}`;
  const textOf = (el: PageElement) => (el.textContent ?? '').trim().slice(0, 80);
  for (const pageEl of Array.from(doc.querySelectorAll('.page'))) {
    const name = pageEl.dataset?.slide ? `slide ${pageEl.dataset.slide}` : `notes ${pageEl.dataset?.notes}`;
    const pageRect = pageEl.getBoundingClientRect();
    for (const el of Array.from(pageEl.querySelectorAll('*'))) {
      if (el.closest('svg') && el.tagName.toLowerCase() !== 'text') continue;
      const rect = el.getBoundingClientRect();
      if (rect.width === 0 && rect.height === 0) continue;
      if (outside(rect, pageRect))
        findings.push({ page: name, element: describe(el), text: textOf(el), kind: 'outside-page' });
    }
    for (const el of Array.from(pageEl.querySelectorAll('.box, .content, .kpi, td, th, p, li, h1, h2'))) {
      if (el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1)
        findings.push({ page: name, element: describe(el), text: textOf(el), kind: 'clipped-box' });
    }
    for (const text of Array.from(pageEl.querySelectorAll('svg text'))) {
      const svg = text.closest('svg');
      if (svg && outside(text.getBoundingClientRect(), svg.getBoundingClientRect()))
        findings.push({ page: name, element: 'svg text', text: textOf(text), kind: 'outside-chart' });
    }
  }
  return findings;
}
