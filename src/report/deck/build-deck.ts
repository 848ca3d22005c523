import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { deckHtml } from './deck-html.js';
import { DeckError } from './errors.js';
import { type OverflowFinding, printDeck } from './print-deck.js';
import { type FigureRecord, type MissingResult, ResultsSource } from './results-source.js';
import type { Slide, SlideBuilder } from './slide.js';
import { errorGallerySlide } from './slide-errors-gallery.js';
import { appendixTableSlide, recommendationSlide, reproduceSlide } from './slides-close.js';
import { accuracySlide, choicesSlide, failuresSlide } from './slides-model.js';
import { edgeSlide, monitoringSlide, reliabilitySlide } from './slides-operations.js';
import { dayOfLoadSlide, floorSlide, scaleOutSlide, singleReplicaSlide } from './slides-serving.js';
import { methodSlide, predecessorSlide, titleSlide } from './slides-story.js';

/** The decision story first, then the evidence, then the appendix. */
export const deckSlides: readonly SlideBuilder[] = [
  titleSlide,
  methodSlide,
  predecessorSlide,
  choicesSlide,
  accuracySlide,
  singleReplicaSlide,
  floorSlide,
  scaleOutSlide,
  dayOfLoadSlide,
  failuresSlide,
  errorGallerySlide,
  reliabilitySlide,
  monitoringSlide,
  edgeSlide,
  recommendationSlide,
  appendixTableSlide,
  reproduceSlide,
];

export interface DeckOptions {
  readonly projectDir: string;
  readonly resultsDir: string;
  readonly outFile: string;
  readonly chromium?: string;
  readonly now?: Date;
}

/** The JSON written beside the PDF: every figure with its file and field, what was missing, what overflowed. */
export interface DeckSidecar {
  readonly schema: 'gourmetgram.deck/1';
  readonly pdf: string;
  readonly created: string;
  readonly commit: string;
  readonly results_dir: string;
  readonly slides: readonly { readonly number: number; readonly title: string; readonly notes: number }[];
  readonly figures: readonly FigureRecord[];
  readonly missing: readonly MissingResult[];
  readonly overflow: readonly OverflowFinding[];
}

/** The slides from the results, before layout: every figure and every missing file recorded in the source. */
export async function composeSlides(source: ResultsSource): Promise<Slide[]> {
  const slides: Slide[] = [];
  for (const [i, build] of deckSlides.entries()) {
    source.beginSlide(i + 1);
    slides.push(await build(source));
  }
  return slides;
}

/** Builds the deck: slides from the results, laid out and printed by Chromium, and its sidecar. */
export async function buildDeck(options: DeckOptions): Promise<DeckSidecar> {
  const source = new ResultsSource(options.projectDir, options.resultsDir);
  const slides = await composeSlides(source);
  if (source.figures.length === 0)
    throw new DeckError(
      'GG_ERR_DECK_NO_RESULTS',
      `no figures could be read from ${options.resultsDir}: run the commands in the README's measurement section first`,
    );
  const now = options.now ?? new Date();
  const commit = gitCommit(options.projectDir, options.resultsDir);
  const title = 'GourmetGram: findings for the executive team';
  const html = deckHtml(slides, { title, subtitle: '', date: now.toISOString().slice(0, 10), commit });
  const { pdf, overflow } = await printDeck(html, options.chromium, {
    title,
    author: 'GourmetGram engineering',
    subject: `Evaluation of the predecessor, accuracy-first and latency-first recipes; results at commit ${commit}`,
    keywords: [
      'GourmetGram',
      'Food-11',
      'predecessor',
      'accuracy',
      'latency',
      'cost',
      'drift',
      `commit ${commit}`,
    ],
    created: now,
  });
  mkdirSync(dirname(options.outFile), { recursive: true });
  writeFileSync(options.outFile, pdf);
  const sidecar: DeckSidecar = {
    schema: 'gourmetgram.deck/1',
    pdf: relative(options.projectDir, options.outFile),
    created: now.toISOString(),
    commit,
    results_dir: relative(options.projectDir, options.resultsDir) || '.',
    slides: slides.map((s, i) => ({ number: i + 1, title: s.title, notes: s.notes.length })),
    figures: source.figures,
    missing: source.missing,
    overflow,
  };
  writeFileSync(sidecarPath(options.outFile), `${JSON.stringify(sidecar, null, 2)}\n`);
  return sidecar;
}

export const sidecarPath = (pdf: string) => `${pdf.replace(/\.pdf$/i, '')}.json`;

/** The last commit that touched the results folder, so the deck names the results it shows. */
function gitCommit(projectDir: string, resultsDir: string): string {
  try {
    return (
      execFileSync('git', ['log', '-1', '--format=%h', '--', resolve(resultsDir)], {
        cwd: projectDir,
        encoding: 'utf8',
      }).trim() || 'uncommitted'
    );
  } catch {
    return 'unknown';
  }
}
