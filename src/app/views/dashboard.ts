import type {
  AlertStatus,
  MonitorSnapshot,
  ReportWindow,
  ShadowComparison,
  WindowSummary,
} from '../../monitoring/index.js';
import { type Bar, barChartSvg, type LineSeries, lineChartSvg } from '../../report/index.js';
import { html, raw, type SafeHtml } from '../html.js';
import { layout, type PageContext } from './layout.js';

export interface DashboardData {
  readonly snapshot: MonitorSnapshot;
  readonly classes: readonly string[];
  readonly p99TargetMs: number;
}

/**
 * The admin dashboard: alerts, traffic, latency percentiles, class mix, confidence and accuracy (label-free
 * estimate, feedback, the reference), and every drift test of the newest window with its verdict and effect.
 * Charts are the report module's SVG charts, inlined, so the page works without JavaScript.
 */
export function dashboardPage(context: PageContext, data: DashboardData): SafeHtml {
  const { snapshot } = data;
  const windows = snapshot.report?.windows ?? [];
  const summaries = snapshot.summaries;
  const model = snapshot.model ? `${snapshot.model.name} v${snapshot.model.version}` : 'no predictions yet';
  const body = html`<section class="dashboard">
<h1>Monitoring</h1>
<p class="dashboard-meta">Model <strong>${model}</strong> · evaluated ${snapshot.time} ·
${summaries.length} window${summaries.length === 1 ? '' : 's'} of ${summaries[0]?.n ?? 0} uploads${snapshot.note ? html` · ${snapshot.note}` : ''}</p>
<h2>Alerts</h2>
${alertTable(snapshot.alerts)}
${summaries.length === 0 ? html`<p>No full window of uploads yet: charts appear after the first one.</p>` : charts(data, summaries, windows)}
${snapshot.shadow ? shadowTable(snapshot.shadow) : ''}
<h2>Drift tests, newest window</h2>
${windows.length ? testTable(windows.at(-1)!) : html`<p>No drift tests yet.</p>`}
${windows.length > 1 ? verdictGrid(windows) : ''}
</section>`;
  return layout('Monitoring', context, body);
}

function charts(data: DashboardData, summaries: readonly WindowSummary[], windows: readonly ReportWindow[]) {
  const x = (i: number) => i + 1;
  const xLabel = 'window (oldest → newest)';
  const line = (
    title: string,
    yLabel: string,
    series: LineSeries[],
    reference?: { y: number; label: string },
  ) =>
    figure(
      title,
      lineChartSvg({
        title,
        series,
        xLabel,
        yLabel,
        width: 1020,
        height: 300,
        xTicks: summaries.map((_, i) => x(i)),
        ...(reference ? { reference } : {}),
      }),
    );
  const reference = data.snapshot.referenceAccuracy;
  const accuracy: LineSeries[] = [
    {
      // The head is calibrated, so the mean confidence of the served class is the label-free estimate.
      name: 'label-free estimate, 95 %',
      points: windows.map((w, i) => [x(i), w.accuracy_estimate.estimate]),
      band: windows.map((w, i) => [x(i), w.accuracy_estimate.low, w.accuracy_estimate.high]),
    },
    { name: 'feedback accuracy', points: summaries.map((s, i) => [x(i), s.feedbackAccuracy]) },
    { name: 'under 50 % confidence', points: summaries.map((s, i) => [x(i), s.lowConfidenceShare]) },
  ];

  return html`<h2>Traffic and latency</h2>
<div class="chart-grid">
${line('Uploads per hour', 'uploads / hour', [{ name: 'uploads per hour', points: summaries.map((s, i) => [x(i), s.perHour]) }])}
${line(
  'Classification latency',
  'ms',
  (['p50', 'p95', 'p99'] as const).map((p) => ({
    name: p,
    points: summaries.map((s, i) => [x(i), s.latencyMs[p]]),
  })),
  targetLine(data.p99TargetMs, summaries),
)}
</div>
<h2>Predictions</h2>
<div class="chart-grid">
${line('Class mix', 'share of uploads', classShares(data.classes, summaries))}
${line(
  'Confidence and accuracy',
  'fraction',
  accuracy,
  reference
    ? { y: reference.measured, label: `measured on reference ${(reference.measured * 100).toFixed(1)} %` }
    : undefined,
)}
${figure('Class mix, newest window', newestMix(data.classes, summaries.at(-1)!), true)}
</div>`;
}

/** `caption`: for charts that carry no title of their own (the bar chart). */
function figure(title: string, svg: string, caption = false): SafeHtml {
  return html`<figure class="chart" aria-label="${title}">${caption ? html`<figcaption>${title}</figcaption>` : ''}${raw(svg)}</figure>`;
}

/** The p99 target as a line, unless it is so far above the data that it would flatten the percentiles. */
function targetLine(target: number, summaries: readonly WindowSummary[]) {
  const highest = Math.max(...summaries.map((s) => s.latencyMs.p99));
  return target <= 3 * highest ? { y: target, label: `p99 target ${target} ms` } : undefined;
}

/** The four biggest classes by overall count as lines, the rest summed: eleven lines would be unreadable. */
function classShares(classes: readonly string[], summaries: readonly WindowSummary[]): LineSeries[] {
  const totals = classes.map((_, c) => summaries.reduce((sum, s) => sum + (s.classCounts[c] ?? 0), 0));
  const order = classes.map((_, c) => c).sort((a, b) => totals[b]! - totals[a]!);
  const top = order.slice(0, 4);
  const series: LineSeries[] = top.map((c) => ({
    name: classes[c]!,
    points: summaries.map((s, i) => [i + 1, (s.classCounts[c] ?? 0) / s.n]),
  }));
  if (order.length > top.length)
    series.push({
      name: 'other classes',
      points: summaries.map((s, i) => [
        i + 1,
        order.slice(4).reduce((sum, c) => sum + (s.classCounts[c] ?? 0), 0) / s.n,
      ]),
    });
  return series;
}

function newestMix(classes: readonly string[], newest: WindowSummary): string {
  const bars: Bar[] = classes.map((c, i) => ({
    label: c,
    value: (100 * (newest.classCounts[i] ?? 0)) / newest.n,
  }));
  return barChartSvg({
    bars,
    axisLabel: 'share of the newest window (%)',
    better: 'higher',
    width: 1020,
    format: (v) => `${v.toFixed(0)} %`,
  });
}

function alertTable(alerts: readonly AlertStatus[]): SafeHtml {
  return html`<table class="monitor-table alerts">
<thead><tr><th scope="col">Alert</th><th scope="col">State</th><th scope="col">Since</th><th scope="col">What it saw</th></tr></thead>
<tbody>${alerts.map(
    (a) =>
      html`<tr class="alert-${a.state}"><th scope="row">${a.name.replaceAll('_', ' ')}</th><td><span class="state state-${a.state}">${a.state}</span></td><td>${a.since ?? '–'}</td><td>${a.detail}</td></tr>`,
  )}</tbody></table>`;
}

function testTable(window: ReportWindow): SafeHtml {
  return html`<p class="dashboard-meta">${window.start} → ${window.end}, n = ${window.n}; label-free accuracy
${pct(window.accuracy_estimate.estimate)} (95 % ${pct(window.accuracy_estimate.low)}–${pct(window.accuracy_estimate.high)}), reference ${pct(window.accuracy_estimate.reference)}.
Assumes no concept drift: the head is calibrated, so the mean confidence of the served class estimates accuracy.</p>
<table class="monitor-table tests">
<thead><tr><th scope="col">Test</th><th scope="col">Statistic</th><th scope="col">p</th><th scope="col">Effect</th><th scope="col">Verdict</th></tr></thead>
<tbody>${window.tests.map(
    (t) =>
      html`<tr><th scope="row">${t.name}</th><td>${t.statistic.toFixed(4)}</td><td>${t.p_value === null ? '–' : t.p_value.toPrecision(2)}</td><td>${t.effect.toFixed(3)}</td><td><span class="state state-${t.drift ? 'firing' : 'ok'}">${t.drift ? 'drift' : 'ok'}</span></td></tr>`,
  )}</tbody></table>`;
}

/** Tests × windows: where and when each test flagged. */
function verdictGrid(windows: readonly ReportWindow[]): SafeHtml {
  const names = [...new Set(windows.flatMap((w) => w.tests.map((t) => t.name)))];
  return html`<h2>Verdicts by window</h2>
<table class="monitor-table verdict-grid">
<thead><tr><th scope="col">Test</th>${windows.map((_, i) => html`<th scope="col">${i + 1}</th>`)}</tr></thead>
<tbody>${names.map(
    (name) =>
      html`<tr><th scope="row">${name}</th>${windows.map((w) => {
        const test = w.tests.find((t) => t.name === name);
        return test
          ? html`<td class="${test.drift ? 'cell-drift' : 'cell-ok'}">${test.drift ? 'drift' : 'ok'}</td>`
          : html`<td>–</td>`;
      })}</tr>`,
  )}</tbody></table>`;
}

/** Shadow mode: where the candidate agrees with the serving version, class by class, and how sure each is. */
function shadowTable(shadow: ShadowComparison): SafeHtml {
  return html`<h2>Shadow model</h2>
<p class="dashboard-meta">Candidate <strong>${shadow.model} v${shadow.version}</strong> answered ${shadow.n} uploads beside
the serving model (never shown): ${pct(shadow.agreement)} agreement.</p>
<table class="monitor-table shadow">
<thead><tr><th scope="col">Serving class</th><th scope="col">Uploads</th><th scope="col">Agreement</th><th scope="col">Serving confidence</th><th scope="col">Candidate confidence</th></tr></thead>
<tbody>${shadow.perClass
    .filter((c) => c.n > 0)
    .map(
      (c) =>
        html`<tr><th scope="row">${c.category}</th><td>${c.n}</td><td>${pct(c.agreement)}</td><td>${pct(c.servingConfidence)}</td><td>${pct(c.shadowConfidence)}</td></tr>`,
    )}</tbody></table>`;
}

function pct(value: number): string {
  return `${(value * 100).toFixed(1)} %`;
}
