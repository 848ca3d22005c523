import { escapeMarkup } from '../markup.js';
import type { ResultsSource } from './results-source.js';

/** The three recipes every comparison shows, the predecessor first as the baseline. */
export const recipeNames = ['predecessor', 'accuracy', 'latency'] as const;
export type RecipeName = (typeof recipeNames)[number];
export const recipeLabel: Record<RecipeName, string> = {
  predecessor: 'Predecessor',
  accuracy: 'Accuracy-first',
  latency: 'Latency-first',
};
/** One colour per recipe across the whole deck (Okabe–Ito). */
export const recipeColour: Record<RecipeName, string> = {
  predecessor: '#999999',
  accuracy: '#0072B2',
  latency: '#009E73',
};
export const peerColour = '#E69F00';

const dash = '–';
export const percent = (fraction: number | undefined, digits = 1) =>
  fraction === undefined ? dash : `${(fraction * 100).toFixed(digits)} %`;
export const milliseconds = (ms: number | undefined) =>
  ms === undefined ? dash : ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
export const dollars = (usd: number | undefined) =>
  usd === undefined
    ? dash
    : usd < 0.1
      ? `$${usd.toFixed(3)}`
      : usd < 10
        ? `$${usd.toFixed(2)}`
        : `$${Math.round(usd).toLocaleString('en-US')}`;
export const count = (n: number | undefined) =>
  n === undefined ? dash : Math.round(n).toLocaleString('en-US');
export const ratio = (r: number | undefined) =>
  r === undefined ? dash : `×${r < 10 ? r.toFixed(2) : r.toFixed(1)}`;
export const perSecond = (n: number | undefined) => (n === undefined ? dash : `${n.toFixed(0)}/s`);

/** A dashed box that says which results file is missing and which command makes it. */
export function missingBox(source: ResultsSource, file: string, command: string, what: string): string {
  source.json(file, command);
  return `<div class="missing">No ${escapeMarkup(what)} yet: <code>${escapeMarkup(file)}</code> is missing. Make it with <code>${escapeMarkup(command)}</code>.</div>`;
}

/**
 * A table from a header and rows of already-formatted cells; rows flagged `diff` are highlighted, rows flagged
 * `wrap` may break their cells over lines (figures stay on one line everywhere else).
 */
export function table(
  header: readonly string[],
  rows: readonly (readonly string[] | { cells: readonly string[]; diff?: boolean; wrap?: boolean })[],
): string {
  const head = `<tr>${header.map((h) => `<th>${escapeMarkup(h)}</th>`).join('')}</tr>`;
  const body = rows
    .map((row) => {
      const { cells, diff, wrap } = Array.isArray(row)
        ? { cells: row as readonly string[], diff: false, wrap: false }
        : (row as { cells: readonly string[]; diff?: boolean; wrap?: boolean });
      const classes = [diff ? 'diff' : '', wrap ? 'wrap' : ''].filter(Boolean).join(' ');
      return `<tr${classes ? ` class="${classes}"` : ''}>${cells.map((c) => `<td>${escapeMarkup(c)}</td>`).join('')}</tr>`;
    })
    .join('');
  return `<table>${head}${body}</table>`;
}

export function kpi(value: string, label: string): string {
  return `<div class="kpi"><div class="value">${escapeMarkup(value)}</div><div class="label">${escapeMarkup(label)}</div></div>`;
}

export const paragraph = (text: string, className?: string) =>
  `<p${className ? ` class="${className}"` : ''}>${escapeMarkup(text)}</p>`;
export const bullets = (items: readonly string[]) =>
  `<ul>${items.map((i) => `<li>${escapeMarkup(i)}</li>`).join('')}</ul>`;
