import type { ResultsSource } from './results-source.js';

/** One slide: a title, the takeaway line, HTML body (tables, inline SVG charts) and the speaker's notes. */
export interface Slide {
  readonly title: string;
  /** The one sentence a reader should leave with. */
  readonly headline: string;
  readonly body: string;
  /** Paragraphs the presenter says; plain text. */
  readonly notes: readonly string[];
}

/** Builds one slide from the results; every number it shows is read through the source. */
export type SlideBuilder = (source: ResultsSource) => Slide | Promise<Slide>;
