import type { DataCheckReport, FilePair, GroupProfile } from '../data/index.js';
import { escapeMarkup } from './markup.js';
import { rangeChart, stackedBarChart } from './svg-charts.js';

/** The data check as one self-contained HTML page (inline SVG charts, tables of the worst findings). */
export function renderDataCheckHtml(
  report: DataCheckReport,
  options: { contactSheet?: string } = {},
): string {
  const sections = [
    `<h1>Data check: ${escapeMarkup(report.root)}</h1>`,
    summary(report),
    ...charts(report),
    ...sourceAndDuplicateTables(report),
    options.contactSheet
      ? `<h2>Top suspected label errors</h2><img src="${escapeMarkup(options.contactSheet)}" alt="contact sheet">`
      : '',
    ...fileTables(report),
  ];
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>GourmetGram data check</title><style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}table{border-collapse:collapse;font-size:12px;margin:1em 0}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}svg{display:block;margin:1.5em 0}img{max-width:100%}</style></head><body>${sections.join('\n')}</body></html>\n`;
}

function summary(report: DataCheckReport): string {
  const { settings } = report;
  return `<p>${report.files} files (${escapeMarkup(report.layout)} layout); ${report.unreadable.length} unreadable, ${report.tiny.length} under ${settings.min_side} px; ${report.duplicates.length} duplicate pairs, ${report.leakage.length} exact or near copies across splits (${escapeMarkup(countsInWords(report.leakage_by_splits))}), ${report.similar_across_splits.length} similar scenes across splits; ${report.suspected_label_errors.length} suspected label errors (out-of-fold top-1 ${pct(report.out_of_fold_top1)}). Thresholds: dHash ≤ ${settings.maxHamming} bits or cosine ≥ ${settings.minCosine} to compare; near = dHash match with cosine ≥ ${settings.confirmCosine}, or cosine ≥ ${settings.strongCosine}.</p>`;
}

function charts(report: DataCheckReport): string[] {
  const splits = [
    ...new Set(Object.values(report.class_balance.counts).flatMap((c) => Object.keys(c))),
  ].sort();
  const classBars = Object.entries(report.class_balance.counts).map(([label, counts]) => ({
    label,
    values: splits.map((s) => counts[s] ?? 0),
  }));
  const ranges = (profiles: readonly GroupProfile[], field: 'brightness' | 'short_side') =>
    profiles.map((p) => ({ label: p.key, low: p[field].p10, mid: p[field].median, high: p[field].p90 }));
  const maxSide = Math.max(
    ...report.by_class.map((p) => p.short_side.p90),
    ...report.by_source.map((p) => p.short_side.p90),
  );
  const probe = report.source_probe;
  return [
    stackedBarChart(classBars, {
      title: `Photos per class and split (largest/smallest class ${report.class_balance.imbalance_ratio}×)`,
      legend: splits,
    }),
    rangeChart(ranges(report.by_class, 'brightness'), {
      title: 'Brightness per class (p10–p90, median)',
      min: 0,
      max: 255,
    }),
    rangeChart(ranges(report.by_source, 'brightness'), {
      title: 'Brightness per source (p10–p90, median)',
      min: 0,
      max: 255,
    }),
    rangeChart(ranges(report.by_class, 'short_side'), {
      title: 'Shorter side per class, px',
      min: 0,
      max: maxSide,
    }),
    rangeChart(ranges(report.by_source, 'short_side'), {
      title: 'Shorter side per source, px',
      min: 0,
      max: maxSide,
    }),
    stackedBarChart(
      [
        { label: 'all classes', values: [probe.top1] },
        ...probe.within_class.map((w) => ({ label: w.class, values: [w.top1] })),
      ],
      {
        title: `Source probe: out-of-fold accuracy telling the source from the embedding (overall baseline ${pct(probe.majority_baseline)})`,
      },
    ),
  ];
}

function sourceAndDuplicateTables(report: DataCheckReport): string[] {
  return [
    table(
      'Source probe within classes',
      ['class', 'n', 'sources', 'probe top-1', 'majority baseline'],
      report.source_probe.within_class.map((w) => [
        w.class,
        String(w.n),
        countsInWords(w.sources),
        pct(w.top1),
        pct(w.majority_baseline),
      ]),
    ),
    table('Leakage: duplicates across splits', pairHeader, report.leakage.slice(0, 100).map(pairRow)),
    table(
      'Similar across splits (same scene, not the same photo)',
      pairHeader,
      report.similar_across_splits.slice(0, 100).map(pairRow),
    ),
    table(
      'Duplicates within a split',
      pairHeader,
      report.duplicates
        .filter((d) => d.splits.split('/')[0] === d.splits.split('/')[1])
        .slice(0, 100)
        .map(pairRow),
    ),
  ];
}

function fileTables(report: DataCheckReport): string[] {
  return [
    table(
      'Suspected label errors (confident learning on out-of-fold probabilities)',
      ['file', 'source', 'given', 'suggested', 'p(given)', 'p(suggested)'],
      report.suspected_label_errors
        .slice(0, 100)
        .map((s) => [
          s.file,
          s.source,
          s.given,
          s.suggested,
          s.self_confidence.toFixed(3),
          s.suggested_probability.toFixed(3),
        ]),
    ),
    table(
      'Unreadable files',
      ['file', 'reason'],
      report.unreadable.map((u) => [u.file, u.reason]),
    ),
    table(
      'Tiny files',
      ['file', 'width', 'height'],
      report.tiny.map((t) => [t.file, String(t.width), String(t.height)]),
    ),
  ];
}

const pairHeader = ['a', 'b', 'splits', 'labels', 'verdict', 'evidence', 'dHash bits', 'cosine'];

function pairRow(p: FilePair): string[] {
  return [
    p.a,
    p.b,
    p.splits,
    p.labels,
    p.verdict,
    p.evidence.join('+'),
    String(p.hamming ?? ''),
    String(p.cosine ?? ''),
  ];
}

function table(title: string, header: readonly string[], rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return `<h2>${escapeMarkup(title)}</h2><p>None.</p>`;
  return `<h2>${escapeMarkup(title)}</h2><table><tr>${header.map((h) => `<th>${escapeMarkup(h)}</th>`).join('')}</tr>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${escapeMarkup(c)}</td>`).join('')}</tr>`)
    .join('')}</table>`;
}

function pct(v: number): string {
  return `${(v * 100).toFixed(1)}%`;
}

/** `{"test/train": 2}` as "2 test/train": counts in prose, not JSON. */
function countsInWords(counts: Readonly<Record<string, number>>): string {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? 'none' : entries.map(([name, n]) => `${n} ${name}`).join(', ');
}
