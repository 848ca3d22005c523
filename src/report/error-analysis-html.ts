import type { ErrorAnalysisRun } from '../evaluation/index.js';
import { escapeMarkup } from './markup.js';
import { stackedBarChart } from './svg-charts.js';

/** The error analysis as one HTML page with inline SVG charts and the contact sheets beside it. */
export function renderErrorAnalysisHtml(
  run: ErrorAnalysisRun,
  sheets: Readonly<Record<string, string>> = {},
): string {
  const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;
  const accuracyBars = (rows: readonly { group: string; n: number; top1: number }[]) =>
    rows.map((r) => ({ label: `${r.group} (n=${r.n})`, values: [Math.round(r.top1 * 1000) / 1000] }));
  const sections = [
    `<h1>Error analysis: ${escapeMarkup(run.recipe)} on ${escapeMarkup(run.split)}</h1>`,
    `<p>Model ${escapeMarkup(run.model.name)} v${run.model.version}; ${run.summary.n} photos, top-1 ${pct(run.summary.top1)}, macro-F1 ${pct(run.summary.macro_f1)}, ECE ${run.summary.ece.toFixed(3)}; ${run.unreadable.length} unreadable.</p>`,
    stackedBarChart(accuracyBars(run.by_source), { title: 'Top-1 by source', width: 760 }),
    stackedBarChart(accuracyBars(run.slices), { title: 'Top-1 by slice', width: 760 }),
    stackedBarChart(
      run.confused_pairs.map((p) => ({ label: `${p.true} → ${p.predicted}`, values: [p.count] })),
      { title: 'Most confused pairs (true → predicted), photos', width: 760 },
    ),
    stackedBarChart(accuracyBars(run.by_class_and_source), {
      title: 'Top-1 by class and source',
      width: 760,
    }),
    ...Object.entries(sheets).map(
      ([title, file]) =>
        `<h2>${escapeMarkup(title)}</h2><img src="${escapeMarkup(file)}" alt="${escapeMarkup(title)}">`,
    ),
  ];
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>GourmetGram error analysis</title><style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}svg{display:block;margin:1.5em 0}img{max-width:100%}</style></head><body>${sections.join('\n')}</body></html>\n`;
}
